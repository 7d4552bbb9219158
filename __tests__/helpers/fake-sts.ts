/**
 * A local stand-in for AWS STS, so the real AWS provider can start "against the account" without
 * one: Terraform's provider honours AWS_ENDPOINT_URL_STS and asks GetCallerIdentity at start-up.
 * Nothing else is served; a plan that needs any other AWS API fails, as it should in a test.
 */
import * as http from 'http';
import { AddressInfo } from 'net';

export interface FakeSts {
  /** Environment for Terraform: mock credentials and the STS endpoint. */
  readonly env: NodeJS.ProcessEnv;
  /** How many GetCallerIdentity calls arrived. */
  calls(): number;
  close(): Promise<void>;
}

export async function startFakeSts(account = '123456789012'): Promise<FakeSts> {
  let calls = 0;
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (!body.includes('Action=GetCallerIdentity')) {
        response.statusCode = 400;
        response.end('only GetCallerIdentity is faked');
        return;
      }
      calls += 1;
      response.setHeader('Content-Type', 'text/xml');
      response.end(
        `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
          `<Arn>arn:aws:iam::${account}:user/test</Arn><UserId>AIDATEST</UserId><Account>${account}</Account>` +
          `</GetCallerIdentityResult><ResponseMetadata><RequestId>test</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    env: {
      AWS_ACCESS_KEY_ID: 'AKIATESTFAKESTS00000',
      AWS_SECRET_ACCESS_KEY: 'fake-sts-secret',
      AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}`,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_REGION: 'ap-northeast-1',
    },
    calls: () => calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
