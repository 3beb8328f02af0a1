import { passwordProblems } from '../../src/components/auth';

describe('password policy', () => {
  it('accepts a long password mixing three classes', () => {
    expect(passwordProblems('Cylinder-ledger-2024', 'li.wei')).toEqual([]);
    expect(passwordProblems('液化气瓶追溯Platform9', 'li.wei')).toEqual([]);
  });
  it('lists every reason at once', () => {
    expect(passwordProblems('liwei', 'liwei')).toEqual([
      'must be at least 12 characters',
      'must mix at least 3 of: lower-case, upper-case, digits, symbols',
      'must not contain the username',
    ]);
  });
  it('refuses common passwords and their stems whatever is appended', () => {
    expect(passwordProblems('Qwerty123456', 'x.y')).toContain('is too common');
    expect(passwordProblems('MyPassword-2024!', 'x.y')).toContain('is too common');
  });
  it('refuses passwords bcrypt would truncate', () => {
    expect(passwordProblems(`Aa1-${'x'.repeat(80)}`, 'x.y')).toContain('must be at most 72 bytes');
  });
});
