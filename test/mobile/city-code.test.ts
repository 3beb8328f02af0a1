import { buildGrai } from '../../src/components/qr/grai.code';
import { createKeyring } from '../../src/components/qr/qr.signature';
import { buildQrUri } from '../../src/components/qr/qr.uri';
import { parseCityFacts, readScannedCode, readTypedCode } from '../../mobile/src/lib/city-code';

const city = { qrDomain: 'qr.qingyuan.example.cn', companyPrefix: '0614141' };
const keyring = createKeyring({ secret: 'phone-test-secret-0123456789abcdef', currentKeyId: 'k2' });
const grai = buildGrai(city.companyPrefix, '1', '20260001').value;
const genuine = buildQrUri(city.qrDomain, grai, keyring.sign(grai));

describe('what the phone tells about a code with no network', () => {
  it('takes a code the platform printed, naming the cylinder by its GRAI', () => {
    expect(readScannedCode(genuine, city)).toEqual({ ok: true, name: { grai }, via: 'qr' });
  });

  it('says a code on another domain is not the city\'s', () => {
    expect(readScannedCode(genuine.replace(city.qrDomain, 'qr.other-city.example.cn'), city)).toEqual({ ok: false, problem: 'FOREIGN_DOMAIN' });
    expect(readScannedCode('hello', city)).toEqual({ ok: false, problem: 'NOT_A_CITY_CODE' });
  });

  it('catches a GRAI whose check digit or company prefix is wrong', () => {
    const badDigit = grai.slice(0, 13) + String((Number(grai[13]) + 1) % 10) + grai.slice(14);
    expect(readScannedCode(buildQrUri(city.qrDomain, badDigit, keyring.sign(badDigit)), city)).toEqual({ ok: false, problem: 'BAD_CHECK_DIGIT' });
    const foreign = buildGrai('0999999', '1', '20260001').value;
    expect(readScannedCode(buildQrUri(city.qrDomain, foreign, keyring.sign(foreign)), city)).toEqual({ ok: false, problem: 'FOREIGN_PREFIX' });
  });

  it('refuses a code without a signature or with one the platform never prints', () => {
    expect(readScannedCode(`https://${city.qrDomain}/8003/${grai}`, city)).toEqual({ ok: false, problem: 'MISSING_SIGNATURE' });
    const signature = keyring.sign(grai);
    // Same MAC bits, another spelling of the last character: the platform prints only one.
    const respelled = signature.slice(0, -1) + 'B';
    expect(readScannedCode(buildQrUri(city.qrDomain, grai, respelled), city)).toEqual({ ok: false, problem: 'BAD_SIGNATURE' });
    expect(readScannedCode(buildQrUri(city.qrDomain, grai, 'k1.short'), city)).toEqual({ ok: false, problem: 'BAD_SIGNATURE' });
  });

  it('reads a typed GRAI, a steel-stamp serial or a whole code', () => {
    expect(readTypedCode(` ${grai} `, city)).toEqual({ ok: true, name: { grai }, via: 'grai' });
    expect(readTypedCode('QY-2019-0042', city)).toEqual({ ok: true, name: { serial: 'QY-2019-0042' }, via: 'serial' });
    expect(readTypedCode(genuine, city)).toEqual({ ok: true, name: { grai }, via: 'qr' });
    expect(readTypedCode('这不是编号', city)).toEqual({ ok: false, problem: 'NOT_A_CITY_CODE' });
  });

  it('reads the city facts the shell carries, and nothing from a blank tag', () => {
    expect(parseCityFacts('qr.qingyuan.example.cn;0614141')).toEqual(city);
    expect(parseCityFacts('%LPG_CITY%')).toBeUndefined();
    expect(parseCityFacts('')).toBeUndefined();
  });
});
