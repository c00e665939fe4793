import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { layersRule } from './tools/eslint-layers.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'test-results/', 'playwright-report/', '.svelte-kit/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { flotilla: { rules: { layers: layersRule } } },
    rules: {
      'flotilla/layers': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'Pass a seeded random source in (src-main/sim).' },
      ],
    },
  },
  {
    // The emulator core never reads the wall clock: time is passed in (virtual time).
    files: ['src-main/{common,sim,net,docker,shell}/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', { name: 'Buffer', message: 'Use Uint8Array/DataView in shared code.' }, { name: 'performance', message: 'The core runs in virtual time.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'The core runs in virtual time.' }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,svelte}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
);
