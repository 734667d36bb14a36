// Entry for runners that accept only `using: node20`; the bundle is the same.
import '../dist/index.js';
