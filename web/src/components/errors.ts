import { ApiError, NetworkError } from '../api';

type Translate = (key: string) => string;

/** What to tell the user about a failed call: the platform's own words (already in the console's language). */
export function problemText(error: unknown, t: Translate): string {
  if (error instanceof ApiError) {
    const { title, detail } = error.problem;
    return detail && detail !== title ? `${title}：${detail}` : title;
  }
  if (error instanceof NetworkError) return t('errors.network');
  return t('errors.unexpected');
}
