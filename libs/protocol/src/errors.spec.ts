import { RunnerLinkReplySchema } from './socket/runner-link';
import { CodedError, ErrorCode, isCodedError, isErrorCode } from './errors';

class ExampleError extends CodedError {}

describe('errors', () => {
  it('names each coded error after its class and keeps its code', () => {
    const error = new ExampleError(ErrorCode.ProjectNotFound, 'No such project.');
    expect(error.name).toBe('ExampleError');
    expect(error.code).toBe('PROJECT_NOT_FOUND');
    expect(isCodedError(error, ErrorCode.ProjectNotFound)).toBe(true);
    expect(isCodedError(error, ErrorCode.Internal)).toBe(false);
    expect(isCodedError(new Error('plain'))).toBe(false);
  });

  it('spells every code once', () => {
    const values = Object.values(ErrorCode);
    expect(new Set(values).size).toBe(values.length);
    expect(values.every(isErrorCode)).toBe(true);
    expect(isErrorCode('NOT_A_CODE')).toBe(false);
  });

  it('reads a runner refusal with a code this side does not know as INTERNAL', () => {
    const known = RunnerLinkReplySchema.parse({
      ok: false,
      error: { code: 'GENERATION_RUNNING', message: 'busy' },
    });
    const unknown = RunnerLinkReplySchema.parse({
      ok: false,
      error: { code: 'SOMETHING_NEW', message: 'new' },
    });
    expect(known).toMatchObject({ error: { code: ErrorCode.GenerationRunning } });
    expect(unknown).toMatchObject({ error: { code: ErrorCode.Internal, message: 'new' } });
  });
});
