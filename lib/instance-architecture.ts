/** CPU architectures Amazon Linux 2023 is published for. */
export const InstanceArchitecture = {
  ARM64: 'arm64',
  X86_64: 'x86_64',
} as const;

export type InstanceArchitecture = (typeof InstanceArchitecture)[keyof typeof InstanceArchitecture];

const INSTANCE_TYPE_PATTERN = /^([a-z]+)(\d+)([a-z-]*)\.([0-9a-z]+)$/;

/**
 * Infers the architecture from an EC2 instance type name: Graviton families carry a `g` in their
 * attribute letters (`t4g`, `m7gd`, `c6gn`) and `a1` is the first Graviton; everything else in
 * the general-purpose naming scheme is x86_64. Returns `undefined` for names it cannot read
 * (including `mac*`, which Amazon Linux 2023 does not support here).
 */
export function architectureOfInstanceType(instanceType: string): InstanceArchitecture | undefined {
  const match = INSTANCE_TYPE_PATTERN.exec(instanceType);
  if (!match) return undefined;
  const [, family, generation, attributes] = match;
  if (family === 'mac') return undefined;
  if (family === 'a' && generation === '1') return InstanceArchitecture.ARM64;
  return attributes.includes('g') ? InstanceArchitecture.ARM64 : InstanceArchitecture.X86_64;
}

/** The public SSM parameter that always names the latest Amazon Linux 2023 AMI. */
export function al2023AmiParameter(architecture: InstanceArchitecture): string {
  return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}`;
}
