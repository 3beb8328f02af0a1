/**
 * The password policy, as a pure function: long enough, varied enough, not the username, not a
 * password every attacker tries first. Returns every reason at once so a user fixes it in one go.
 */
export const PASSWORD_MIN_LENGTH = 12;
// bcrypt ignores everything after 72 bytes; a longer password would only look stronger.
export const PASSWORD_MAX_BYTES = 72;

const COMMON_PASSWORDS = new Set([
  'password1234',
  'password123!',
  'passw0rd1234',
  'p@ssw0rd1234',
  'p@ssword1234',
  'qwerty123456',
  'qwertyuiop12',
  '123456789012',
  '1234567890ab',
  'abc123456789',
  'admin1234567',
  'administrator',
  'letmein12345',
  'welcome12345',
  'iloveyou1234',
  'changeme1234',
  'a1234567890!',
  '1qaz2wsx3edc',
  '1q2w3e4r5t6y',
  'zaq12wsxcde3',
  'woaini123456',
  'aa1234567890',
]);

// Stems that make any password guessable, whatever is appended to them.
const COMMON_STEMS = ['password', 'passw0rd', 'p@ssw0rd', 'qwerty', '123456', 'abcdef', 'lpgtrace', 'admin123'];

export function passwordProblems(password: string, username: string): string[] {
  const problems: string[] = [];
  const lower = password.toLowerCase();
  if ([...password].length < PASSWORD_MIN_LENGTH) problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) problems.push(`must be at most ${PASSWORD_MAX_BYTES} bytes`);
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) problems.push('must mix at least 3 of: lower-case, upper-case, digits, symbols');
  if (username.length > 0 && lower.includes(username.toLowerCase())) problems.push('must not contain the username');
  if (COMMON_PASSWORDS.has(lower) || COMMON_STEMS.some((stem) => lower.includes(stem))) {
    problems.push('is too common');
  }
  return problems;
}
