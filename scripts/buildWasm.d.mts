export declare const KERNELS: { wat: string; ts: string }[];
export declare function assemble(watPath: string): Promise<Buffer>;
export declare function moduleSource(watPath: string, bytes: Buffer): string;
