import cliProgress from 'cli-progress';

/** A progress bar when it is `wanted` and stderr is a terminal; none otherwise, so logs and pipes stay clean. */
export function terminalProgressBar(
  wanted: boolean,
  options: cliProgress.Options,
): cliProgress.SingleBar | undefined {
  return wanted && process.stderr.isTTY
    ? new cliProgress.SingleBar(options, cliProgress.Presets.shades_classic)
    : undefined;
}
