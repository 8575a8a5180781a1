// How the quickstart reports what it is doing: stage lines and per-stage progress counts.
export interface StageProgress {
  stage: string;
  done: number;
  total: number;
  /** short running detail (losses, counts) */
  detail?: string;
}

export interface QuickstartHooks {
  log?: (line: string) => void;
  progress?: (p: StageProgress) => void;
  /** Ctrl-C: every stage stops at its next safe point; a re-run resumes */
  signal?: AbortSignal;
}

/** Thrown when the run was interrupted between or inside stages (the caller exits quietly). */
export class QuickstartInterrupted extends Error {
  constructor(stage: string) {
    super(`interrupted during ${stage}; re-run the same command to resume`);
    this.name = 'QuickstartInterrupted';
  }
}
