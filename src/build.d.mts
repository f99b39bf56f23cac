/** Types of src/build.mjs (plain JavaScript: it runs before anything is compiled). */
export declare const ROOT: string;
export declare const DIST: string;
export declare const EXTERNAL_PACKAGES: string[];
export declare function isBuildStale(): boolean;
/** `template`: also write the migrated PGlite template new data dirs start from. */
export declare function build(options?: { template?: boolean }): Promise<void>;
