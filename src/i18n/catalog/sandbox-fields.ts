import type { Catalog } from '../types.js';

/** The sandbox portal's answers about field values beyond their limits (src/sandbox/fields.ts). */
export const en = {
  'sandbox.api.summaryNewline': 'The summary is invalid because it contains newline characters.',
  'sandbox.api.fieldTooLong': (name: string, max: number) => `${name}: the text is too long; it must be at most ${max} characters.`,
} as const;

export const ja: Catalog<typeof en> = {
  'sandbox.api.summaryNewline': '要約に改行文字が含まれているため無効です。',
  'sandbox.api.fieldTooLong': (name: string, max: number) => `${name}: テキストが長すぎます。${max} 文字以内にしてください。`,
} as const;
