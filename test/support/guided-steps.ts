import type { Step } from './scripted-prompter.js';

/** The guided Account form after its summary: details, the optional questions left empty, a trial topic, then "Send". */
export const ACCOUNT_AFTER_SUMMARY: readonly Step[] = [
  { kind: 'input', message: /Details/, answer: 'Please extend our trial.' },
  { kind: 'input', answer: '' },
  { kind: 'input', message: /Files/, answer: '' },
  { kind: 'input', message: /Phone/, answer: '' },
  { kind: 'select', message: /Account topic/, pick: /Trial account/ },
  { kind: 'input', message: /Participants/, answer: '' },
  { kind: 'input', message: /behalf/, answer: '' },
  { kind: 'select', message: /Send this request/, answer: 'send' },
];

/** The whole guided Account form, from the choice of request type, filing `summary`. */
export function accountSteps(summary: string): Step[] {
  return [
    { kind: 'select', message: /What do you need help with/, pick: /^Account$/ },
    { kind: 'input', message: /Summary/, answer: summary },
    ...ACCOUNT_AFTER_SUMMARY,
  ];
}
