import { judge } from '../../mobile/src/lib/answers';

describe('what the worker reads of the platform\'s answer to a synced visit', () => {
  it('says stored, and the hazards a check found', () => {
    expect(judge({ visitId: 'a', status: 'recorded', visit: { hazards: 2 } }, 'zh-CN')).toEqual({ state: 'stored', reasons: [], hazards: 2 });
    expect(judge({ visitId: 'a', status: 'duplicate' }, 'zh-CN').state).toBe('duplicate');
  });

  it('names each refused cylinder with the platform\'s Chinese reason, leaving out the events refused only because another was', () => {
    const answer = judge(
      {
        visitId: 'a',
        status: 'refused',
        visit: {
          events: [
            { cylinder: 'serial:QY-1', status: 'rejected', reason: 'CYLINDER_NOT_FOUND' },
            { cylinder: 'serial:QY-2', status: 'rejected', reason: 'FLOW_INCOMPLETE' },
          ],
        },
      },
      'zh-CN',
    );
    expect(answer.state).toBe('refused');
    expect(answer.reasons).toEqual([{ code: 'CYLINDER_NOT_FOUND', text: 'serial:QY-1：气瓶不存在' }]);
    expect(judge({ visitId: 'a', status: 'refused', visit: { events: [{ cylinder: 'x', status: 'rejected', reason: 'CYLINDER_NOT_FOUND' }] } }, 'en').reasons[0]?.text).toBe('x：No such cylinder');
  });

  it('tells a collision from a plain refusal, and lists the fields of a flow to put right', () => {
    expect(judge({ visitId: 'a', status: 'partial', visit: { events: [{ cylinder: 'x', status: 'rejected', reason: 'ILLEGAL_TRANSITION' }], collisions: ['c1'] } }, 'zh-CN').state).toBe('collision');
    const invalid = judge({ visitId: 'a', status: 'invalid', code: 'MEDIA_NOT_FOUND', errors: [{ path: 'safetyCheck.photoSha256', message: '未上传' }] }, 'zh-CN');
    expect(invalid.state).toBe('invalid');
    expect(invalid.reasons.map((r) => r.text)).toEqual(['引用的照片或签名尚未上传', 'safetyCheck.photoSha256: 未上传']);
  });
});
