/** A catalog entry: plain text, or a function of typed parameters that returns text. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parameters differ per message; Catalog<T> keeps them typed per key
export type Msg = string | ((...args: any[]) => string);

/** The Japanese (or any other) catalog must have exactly the keys and parameter types of the English one. */
export type Catalog<T extends Record<string, Msg>> = {
  [K in keyof T]: T[K] extends (...args: infer A) => string ? (...args: A) => string : string;
};

export type Lang = 'en' | 'ja';
