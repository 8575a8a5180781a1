export * from './codePointOrder.js';
export * from './concatFolders.js';
export * from './identitySplit.js';
export * from './imageFolder.js';
export * from './labelFile.js';
export * from './videoId.js';
