// Outcome of one fixture check. Same shape as the evaluation layer's check results; defined here because the
// data layer must not import from eval (layers point downward).

export interface CheckResult {
  name: string;
  pass: boolean;
  worstAbsErr: number;
  tolerance: string;
  detail?: string;
}
