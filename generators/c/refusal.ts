/**
 * A world the C generator found, while generating, that it cannot serve (a
 * name that two functions would share, a type with no C representation);
 * `generateC` reports it as an `UnsupportedCWorldError`.
 */
export class CRefusal extends Error {}
