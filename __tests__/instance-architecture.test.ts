import { al2023AmiParameter, architectureOfInstanceType } from '../lib/instance-architecture';

describe('architectureOfInstanceType', () => {
  test.each([
    ['t4g.nano', 'arm64'],
    ['m7gd.large', 'arm64'],
    ['c6gn.xlarge', 'arm64'],
    ['a1.medium', 'arm64'],
    ['g5g.xlarge', 'arm64'],
    ['t3.micro', 'x86_64'],
    ['t3a.nano', 'x86_64'],
    ['g4dn.xlarge', 'x86_64'],
    ['m7i-flex.large', 'x86_64'],
  ])('GIVEN %s WHEN inferred THEN %s', (type, architecture) => {
    expect(architectureOfInstanceType(type)).toBe(architecture);
  });

  test.each(['mac2.metal', 'nano', 'T4G.NANO', ''])('GIVEN %j WHEN inferred THEN unknown', (type) => {
    expect(architectureOfInstanceType(type)).toBeUndefined();
  });

  test('GIVEN an architecture WHEN the AMI parameter is named THEN it is the public AL2023 one', () => {
    expect(al2023AmiParameter('arm64')).toBe('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64');
    expect(al2023AmiParameter('x86_64')).toBe('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64');
  });
});
