// Tests are TypeScript ESM, transformed by esbuild (jest.transform.cjs); run under --experimental-vm-modules.
const transform = { '^.+\\.ts$': '<rootDir>/jest.transform.cjs' };
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform,
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};
export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'] },
    // Reads the traffic the e2e run captured (ZR_TRAFFIC_DIR); run after it.
    { ...common, displayName: 'conformance', testMatch: ['<rootDir>/__tests__/conformance/**/*.test.ts'] },
  ],
};
