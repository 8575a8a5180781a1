// The one error type the parsers of outside bytes throw: a file or upload that is malformed, truncated, or declares
// sizes it does not hold. Callers (and the fuzz harness) can tell it apart from a bug deep inside a parser.

/** Longest message kept: values quoted from hostile input must not turn an error line into a megabyte. */
const MAX_MESSAGE = 600;

export class MalformedInputError extends Error {
  override name = 'MalformedInputError';
  constructor(message: string) {
    // one line by construction: quoted names or values may hold newlines
    const line = message.replace(/[\r\n\u2028\u2029]+/g, ' ');
    super(
      line.length > MAX_MESSAGE
        ? `${line.slice(0, MAX_MESSAGE / 2)} … ${line.slice(line.length - MAX_MESSAGE / 2)}`
        : line,
    );
  }
}

// One subclass per input format, alike on purpose: a caller catches the errors of the format it parses.

/** A pickle stream the safe unpickler refuses. */
export class PickleError extends MalformedInputError {
  override name = 'PickleError';
}

/** A zip archive (torch .pth) or torch checkpoint structure that cannot be read. */
export class CheckpointFormatError extends MalformedInputError {
  override name = 'CheckpointFormatError';
}

/** A safetensors file whose header or data section is invalid. */
export class SafetensorsError extends MalformedInputError {
  override name = 'SafetensorsError';
}

/** A .npy file whose header or data section is invalid. */
export class NpyError extends MalformedInputError {
  override name = 'NpyError';
}

/** A normalisation stats file (`pretrain_ds_mean_std.txt`) that is not `{"mean": [...], "std": [...]}`. */
export class NormStatsError extends MalformedInputError {
  override name = 'NormStatsError';
}

/** A calibration file that is not `{"threshold": t, "source": "..."}`. */
export class CalibrationError extends MalformedInputError {
  override name = 'CalibrationError';
}
