/**
 * The bundle layer's one entry: plan what to collect, build the zip (redaction and deflate on worker
 * threads, then `manifest.json`), estimate its size, check it against a portal's upload limit.
 *
 * The CLI imports `bundle/` only through this module, and loads it only inside the functions that
 * make a bundle (`await import()`), so `--help` and `--version` never pay for it.
 */
export { buildBundle, type BundleResult } from './build.js';
export { estimateZipSize } from './estimate.js';
export { checkBundleSize, type LimitCheck, type LimitSuggestion } from './limit.js';
export type { Manifest, ManifestFile } from './manifest.js';
export type { ObfuscateKind } from './obfuscate.js';
export type { BundleEnv, BundleOptions, BundleProgress } from './options.js';
export { isOwnTempFile } from './output.js';
export { planBundle, type Plan, type PlannedFile } from './plan.js';
export { findProduct, PRODUCTS, type FoundProduct, type Product } from './products.js';
export type { SkippedFile } from './walk.js';
export { mergeBundles, type ManifestNode, type MergedManifest, type MergeInput, type MergeNode } from './merge.js';
