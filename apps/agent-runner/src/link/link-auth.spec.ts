import { type IncomingMessage } from 'node:http';
import { checkServiceToken, isFromBrowser, LinkAuthErrorCode } from './link-auth';

const TOKEN = 'a-service-token-that-is-long-enough-0123';

describe(checkServiceToken.name, () => {
  it('lets the configured token through', () => {
    expect(checkServiceToken(TOKEN, TOKEN)).toBeNull();
  });

  it('refuses a missing, wrong or non-text token', () => {
    for (const presented of [undefined, '', `${TOKEN}x`, TOKEN.slice(1), 42, { token: TOKEN }]) {
      expect(checkServiceToken(TOKEN, presented)?.data.code).toBe(LinkAuthErrorCode.BadToken);
    }
  });

  it('refuses everyone, naming the variable, when no token is configured', () => {
    const refused = checkServiceToken('', '');
    expect(refused?.data.code).toBe(LinkAuthErrorCode.NoTokenConfigured);
    expect(refused?.message).toContain('RUNNER_SERVICE_TOKEN');
  });
});

describe(isFromBrowser.name, () => {
  const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

  it('tells browser requests (they carry Origin) from the API client', () => {
    expect(isFromBrowser(request({ origin: 'http://localhost:3000' }))).toBe(true);
    expect(isFromBrowser(request({}))).toBe(false);
  });
});
