// Lint rules that keep the layers of docs/architecture.md apart: heavy UI libraries only in ui/, undici
// only in portal/, conf only in config/, process/console only in main.ts and ui/io.ts; which folder may
// import which (lib/ and sandbox/ near the bottom, shared command code below commands/); no import
// cycles. test/lint-rules.test.ts breaks each rule once to show that it can fail.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const restrictedProcess = {
  'no-restricted-globals': [
    'error',
    { name: 'process', message: 'Only src/main.ts and src/ui/io.ts touch process: take it from Deps.' },
    { name: 'console', message: 'Write through deps.io, never console.' },
  ],
  'no-console': 'error',
};

function onlyIn(pkgs, where) {
  return {
    group: pkgs,
    message: `Import this only in ${where} (see docs/architecture.md).`,
  };
}

const uiPkgs = ['chalk', '@inquirer/*', 'inquirer', 'ora', 'string-width'];
const portalPkgs = ['undici'];
const configPkgs = ['conf'];

function restrictImports(extra = []) {
  return {
    'no-restricted-imports': ['error', { patterns: [...extra] }],
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bin/**', '.bench-out/**', 'release/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Import rules that need to know which file an import resolves to: no cycles anywhere in src/
    // (a lazy `await import()` counts too: a cycle through it is still two modules that cannot be
    // understood apart), and the folder layers of docs/architecture.md.
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            { target: './src/lib', from: './src', except: ['./lib'], message: 'src/lib is the leaf layer: it imports nothing of ours.' },
            {
              target: './src/sandbox',
              from: './src',
              except: ['./sandbox', './lib', './i18n', './portal/types.ts', './bundle/zip.ts'],
              message: 'src/sandbox imports only src/lib, src/i18n, the wire types (src/portal/types.ts) and the zip writer (src/bundle/zip.ts, for its ATST zips).',
            },
            { target: './src/cli/shared', from: './src/cli/commands', message: 'Shared command code never imports src/cli/commands.' },
            { target: './src/cli/create', from: './src/cli/commands', message: 'The create flow never imports src/cli/commands: its options live in cli/create/options.ts.' },
            { target: './src/atst', from: ['./src/cli', './src/ui', './src/sandbox', './src/bundle', './src/config'], message: 'src/atst (the ATST client) imports only src/portal, src/lib and src/i18n.' },
            {
              target: ['./src/portal', './src/form', './src/bundle', './src/config'],
              from: ['./src/cli', './src/ui'],
              message: 'portal/, form/, bundle/ and config/ never import cli/ or ui/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/ui/io.ts'],
    rules: restrictedProcess,
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/ui/**', 'src/portal/**', 'src/config/**', 'src/atst/**'],
    rules: restrictImports([
      onlyIn(uiPkgs, 'src/ui/'),
      onlyIn(portalPkgs, 'src/portal/'),
      onlyIn(configPkgs, 'src/config/'),
    ]),
  },
  {
    files: ['src/ui/**/*.ts'],
    rules: restrictImports([onlyIn(portalPkgs, 'src/portal/'), onlyIn(configPkgs, 'src/config/')]),
  },
  {
    files: ['src/portal/**/*.ts'],
    rules: restrictImports([
      onlyIn(uiPkgs, 'src/ui/'),
      onlyIn(configPkgs, 'src/config/'),
    ]),
  },
  {
    // The ATST client streams zips through undici, like the portal layer it builds on.
    files: ['src/atst/**/*.ts'],
    rules: restrictImports([onlyIn(uiPkgs, 'src/ui/'), onlyIn(configPkgs, 'src/config/')]),
  },
  {
    files: ['src/config/**/*.ts'],
    rules: restrictImports([
      onlyIn(uiPkgs, 'src/ui/'),
      onlyIn(portalPkgs, 'src/portal/'),
    ]),
  },
  {
    files: ['src/form/**/*.ts', 'src/bundle/**/*.ts'],
    rules: restrictImports([
      onlyIn(uiPkgs, 'src/ui/'),
      onlyIn(portalPkgs, 'src/portal/'),
      onlyIn(configPkgs, 'src/config/'),
    ]),
  },
  {
    files: ['bench/**/*.mjs', 'scripts/**/*.mjs', '*.js', '*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'bench/**/*.mjs'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
