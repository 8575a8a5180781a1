// dlib's face rectangle, the box the official FS-VFM crops are cut around (SPEC §6.1).

/** Integer corners as `dlib.rectangle` gives them: right and bottom are inclusive, so width = right − left + 1. */
export interface DlibRect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}
