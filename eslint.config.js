// Lint rules that keep the layers of STYLE.md apart: heavy UI libraries only in ui/, undici only in
// portal/, conf only in config/, and process/console only in main.ts and ui/io.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
    message: `Import this only in ${where} (see STYLE.md layers).`,
  };
}

const uiPkgs = ['chalk', 'ora', '@inquirer/*', 'inquirer'];
const portalPkgs = ['undici'];
const configPkgs = ['conf'];

function restrictImports(extra = []) {
  return {
    'no-restricted-imports': ['error', { patterns: [...extra] }],
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bin/**', '.bench-out/**'] },
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
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/ui/io.ts'],
    rules: restrictedProcess,
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/ui/**', 'src/portal/**', 'src/config/**'],
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
      { group: ['**/cli/**', '**/ui/**'], message: 'portal/ never imports from cli/ or ui/.' },
    ]),
  },
  {
    files: ['src/config/**/*.ts'],
    rules: restrictImports([
      onlyIn(uiPkgs, 'src/ui/'),
      onlyIn(portalPkgs, 'src/portal/'),
      { group: ['**/cli/**', '**/ui/**'], message: 'config/ never imports from cli/ or ui/.' },
    ]),
  },
  {
    files: ['src/form/**/*.ts', 'src/bundle/**/*.ts'],
    rules: restrictImports([
      onlyIn(uiPkgs, 'src/ui/'),
      onlyIn(portalPkgs, 'src/portal/'),
      onlyIn(configPkgs, 'src/config/'),
      { group: ['**/cli/**', '**/ui/**'], message: 'form/ and bundle/ never import from cli/ or ui/.' },
    ]),
  },
  {
    files: ['bench/**/*.mjs', '*.js', '*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'bench/**/*.mjs'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
