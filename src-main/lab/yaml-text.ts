// Scalars of the compose and stack files Flotilla writes (compose-export.ts, stack-export.ts).

/** A string value, double-quoted: JSON's string syntax is YAML's, and no value is misread as a number, bool or null. */
export const yamlString = (s: string): string => JSON.stringify(s);

/** A mapping key: bare when it is a plain name (as people write service and network names), else double-quoted. */
export const yamlKey = (s: string): string => (/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(s) ? s : yamlString(s));
