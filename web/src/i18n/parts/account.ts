/** This area's texts: `zh` is the source (its keys are the type), `en` must have the same keys. */
export const zh = {};

export const en: typeof zh = {};
