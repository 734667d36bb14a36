import type { BuildOptions, Plugin } from 'esbuild';

export declare const noUnusedHttpClient: Plugin;
export declare const bundleOptions: BuildOptions;
