import { MESSAGE_SENTENCES, MESSAGE_WORDS, PROBLEM_CODES, type Bilingual, type CodeMessages } from './error.messages';
import type { Problem } from './problem.schema';

/**
 * The languages problems are written in. English is the API's default — what a client that names
 * no language (a scale, a script, an integration) gets, and what the codes' documentation is
 * written in; the web consoles send `Accept-Language: zh-CN` (or `en` when switched).
 */
export const PROBLEM_LANGUAGES = ['en', 'zh-CN'] as const;
export type ProblemLanguage = (typeof PROBLEM_LANGUAGES)[number];

/** RFC 9110 §12.5.4: the supported language with the highest q-value; English when none matches. */
export function negotiateLanguage(header: string | undefined): ProblemLanguage {
  if (!header) return 'en';
  let best: { lang: ProblemLanguage; q: number } | undefined;
  for (const part of header.split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const lang: ProblemLanguage | undefined = range === 'zh' || range.startsWith('zh-') ? 'zh-CN' : range === 'en' || range.startsWith('en-') ? 'en' : undefined;
    if (lang && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'en';
}

interface Template {
  pattern: RegExp;
  names: string[];
  zh: string;
  /** Characters that are not placeholders: the more, the more specific; tried first. */
  weight: number;
}

/** One look-up over the message table (error.messages.ts) and the codes components contribute. */
export interface MessageCatalog {
  /** The problem's title in `lang`; the thrown title for a code the table does not know. */
  title(code: string, lang: ProblemLanguage, thrown: string): string;
  /** A detail in `lang`; in Chinese an untranslated one becomes the code's Chinese detail (or title). */
  detail(code: string, text: string, lang: ProblemLanguage): string;
  /** A field error's or line's message in `lang`; an untranslated one stays as written. */
  message(text: string, lang: ProblemLanguage): string;
  /** The Chinese of a sentence, undefined when the table has none (for the test that reads the source). */
  chinese(text: string): string | undefined;
  knowsCode(code: string): boolean;
}

export function createMessageCatalog(contributed: readonly Readonly<Record<string, Bilingual>>[] = []): MessageCatalog {
  const codes = new Map<string, CodeMessages>(Object.entries(PROBLEM_CODES));
  // A component's table adds codes; a code the shared table titles keeps its shared title.
  for (const table of contributed) for (const [code, entry] of Object.entries(table)) if (!codes.has(code)) codes.set(code, { en: entry.en, zh: entry.zh });
  const words = new Map(MESSAGE_WORDS.map((w) => [w.en, w.zh]));
  const exact = new Map<string, string>();
  const templates: Template[] = [];
  for (const entry of MESSAGE_SENTENCES) {
    if (/\{\w+\}/.test(entry.en)) templates.push(compile(entry));
    else exact.set(entry.en, entry.zh);
  }
  templates.sort((a, b) => b.weight - a.weight);

  const valueInChinese = (value: string): string => {
    const word = words.get(value) ?? exact.get(value);
    if (word !== undefined) return word;
    const parts = value.split(/, | or /);
    if (parts.length > 1 && parts.every((p) => words.has(p))) return parts.map((p) => words.get(p)).join('、');
    return value;
  };
  const chinese = (text: string): string | undefined => {
    const direct = exact.get(text);
    if (direct !== undefined) return direct;
    for (const template of templates) {
      const match = template.pattern.exec(text);
      if (!match) continue;
      const values = new Map<string, string>();
      template.names.forEach((name, i) => {
        if (!values.has(name)) values.set(name, valueInChinese(match[i + 1] ?? ''));
      });
      return template.zh.replace(/\{(\w+)\}/g, (_m, name: string) => values.get(name) ?? '');
    }
    return undefined;
  };

  return {
    title: (code, lang, thrown) => {
      const entry = codes.get(code);
      if (!entry) return thrown;
      return lang === 'zh-CN' ? entry.zh : entry.en;
    },
    detail: (code, text, lang) => {
      if (lang === 'en') return text;
      const entry = codes.get(code);
      return chinese(text) ?? entry?.zhDetail ?? entry?.zh ?? text;
    },
    message: (text, lang) => (lang === 'en' ? text : (chinese(text) ?? text)),
    chinese,
    knowsCode: (code) => codes.has(code),
  };
}

function compile(entry: Bilingual): Template {
  const names: string[] = [];
  let weight = 0;
  const source = entry.en
    .split(/(\{\w+\})/)
    .map((piece) => {
      const name = /^\{(\w+)\}$/.exec(piece)?.[1];
      if (name) {
        names.push(name);
        return '(.*?)';
      }
      weight += piece.length;
      return piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { pattern: new RegExp(`^${source}$`, 's'), names, zh: entry.zh, weight };
}

/** An entry of a problem's `errors`: a field error (`message`) or an import's line error (`reason`). */
type ErrorEntry = Record<string, unknown>;

/** The problem in `lang`: its title, detail, every field error's message and every reason's detail. */
export function localizeProblem<P extends Problem>(problem: P, lang: ProblemLanguage, catalog: MessageCatalog): P {
  const errors = (problem as { errors?: unknown }).errors;
  return {
    ...problem,
    title: catalog.title(problem.code, lang, problem.title),
    ...(problem.detail === undefined ? {} : { detail: catalog.detail(problem.code, problem.detail, lang) }),
    ...(Array.isArray(errors) ? { errors: errors.map((entry: ErrorEntry) => localizeEntry(entry, lang, catalog)) } : {}),
    ...(problem.reasons ? { reasons: problem.reasons.map((r) => ({ code: r.code, detail: catalog.detail(r.code, r.detail, lang) })) } : {}),
  };
}

function localizeEntry(entry: ErrorEntry, lang: ProblemLanguage, catalog: MessageCatalog): ErrorEntry {
  const out = { ...entry };
  if (typeof entry.message === 'string') out.message = catalog.message(entry.message, lang);
  if (typeof entry.reason === 'string') out.reason = catalog.message(entry.reason, lang);
  return out;
}
