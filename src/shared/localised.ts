/** A text in several languages, keyed by language code. */
export type LocalisedText = Record<string, string>;

/** Picks `lang`, else Catalan, else the first text there is. */
export function pickLocalised(text: LocalisedText, lang: string): string {
  return text[lang] ?? text.ca ?? Object.values(text)[0] ?? '';
}
