/**
 * Plan-time checks of temporary Session Manager endpoints against the real VPC, so that what AWS
 * would refuse half-way through an apply stops `terraform plan` instead: DNS attributes, subnets
 * of one Availability Zone, subnets of another VPC (a warning), and existing private-DNS endpoints
 * for the same services. Every lookup is off when `lookups` is false (no AWS account).
 */
import { DataAwsNetworkInterface } from '@cdktf/provider-aws/lib/data-aws-network-interface';
import { DataAwsNetworkInterfaces } from '@cdktf/provider-aws/lib/data-aws-network-interfaces';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { DataAwsVpcEndpoint } from '@cdktf/provider-aws/lib/data-aws-vpc-endpoint';
import { TerraformLocal, TerraformResource, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { addPrecondition, addressOf, hclString } from './terraform-address';

export interface EndpointPreflightProps {
  readonly vpcId: TerraformVariable;
  readonly subnetIds: TerraformVariable;
  readonly services: TerraformVariable;
  /** Whether to look anything up in AWS (a bool variable). */
  readonly lookups: TerraformVariable;
  /** HCL of the region's name (for endpoint service names). */
  readonly regionHcl: string;
  /** The first resource the stack creates: its preconditions stop the plan before anything exists. */
  readonly guarded: TerraformResource;
  /** Tags that mark endpoints as this stack's own (not a conflict on a re-plan). */
  readonly ownTags: Readonly<Record<string, string>>;
}

export class EndpointPreflight extends Construct {
  readonly vpc: DataAwsVpc;
  readonly subnets: DataAwsSubnet;
  /** Existing endpoints of the VPC that would conflict with the new ones (private DNS, same service, not ours). */
  readonly conflictingEndpoints: TerraformLocal;

  constructor(scope: Construct, id: string, props: EndpointPreflightProps) {
    super(scope, id);
    const vpcId = addressOf(props.vpcId);
    const lookups = addressOf(props.lookups);
    const onlyWithLookups = `\${${lookups} ? 1 : 0}`;

    this.vpc = new DataAwsVpc(this, 'vpc', {
      id: props.vpcId.stringValue,
      lifecycle: {
        postcondition: [
          {
            condition: '${self.enable_dns_support && self.enable_dns_hostnames}',
            errorMessage:
              `VPC \${${vpcId}} must have both DNS support and DNS hostnames on: private DNS of Interface endpoints needs them, and AWS would otherwise fail at create time with "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true". ` +
              'Now: DNS support ${self.enable_dns_support}, DNS hostnames ${self.enable_dns_hostnames}. Turn them on with: ' +
              `aws ec2 modify-vpc-attribute --vpc-id \${${vpcId}} --enable-dns-support "{\\"Value\\":true}" && aws ec2 modify-vpc-attribute --vpc-id \${${vpcId}} --enable-dns-hostnames "{\\"Value\\":true}"`,
          },
        ],
      },
    });
    this.vpc.overrideLogicalId('target');
    this.vpc.addOverride('count', onlyWithLookups);

    this.subnets = new DataAwsSubnet(this, 'subnets', { id: '${each.value}' });
    this.subnets.overrideLogicalId('endpoint');
    this.subnets.addOverride('for_each', `\${${lookups} ? toset(${addressOf(props.subnetIds)}) : toset([])}`);
    const subnets = addressOf(this.subnets);
    addPrecondition(props.guarded, {
      condition: `\${length(distinct([for s in ${subnets} : s.availability_zone])) == length(${subnets})}`,
      errorMessage: `subnet_ids must hold at most one subnet per Availability Zone (Interface endpoints refuse two subnets of one AZ); got \${jsonencode({ for id, s in ${subnets} : id => s.availability_zone })}.`,
    });

    // A check block only warns; subnets elsewhere fail at create, but nothing is half-made by it.
    TerraformStack.of(this).addOverride('check', {
      subnets_in_vpc: {
        assert: [
          {
            condition: `\${alltrue([for s in ${subnets} : s.vpc_id == ${vpcId}])}`,
            error_message: `These subnets are not in VPC \${${vpcId}}: \${join(", ", [for id, s in ${subnets} : "\${id} (in \${s.vpc_id})" if s.vpc_id != ${vpcId}])}. Endpoint creation will fail; pick subnets of the VPC.`,
          },
        ],
      },
    });

    // Existing Interface endpoints of this VPC: their ENIs name them ("VPC Endpoint Interface vpce-…").
    const enis = new DataAwsNetworkInterfaces(this, 'endpoint-enis', {
      filter: [
        { name: 'vpc-id', values: [props.vpcId.stringValue] },
        { name: 'interface-type', values: ['vpc_endpoint'] },
      ],
    });
    enis.overrideLogicalId('existing_endpoint_enis');
    enis.addOverride('count', onlyWithLookups);
    const eni = new DataAwsNetworkInterface(this, 'endpoint-eni', { id: '${each.value}' });
    eni.overrideLogicalId('existing_endpoint_eni');
    eni.addOverride('for_each', `\${toset(flatten(${addressOf(enis)}[*].ids))}`);
    const existing = new DataAwsVpcEndpoint(this, 'existing-endpoints', { id: '${each.value}' });
    existing.overrideLogicalId('existing');
    existing.addOverride(
      'for_each',
      `\${toset(compact([for n in ${addressOf(eni)} : try(regex("vpce-[0-9a-f]+", n.description), "")]))}`,
    );

    const notOurs = Object.entries(props.ownTags)
      .map(([key, value]) => `lookup(e.tags, ${hclString(key)}, "") == ${hclString(value)}`)
      .join(' && ');
    this.conflictingEndpoints = new TerraformLocal(
      this,
      'conflicting-endpoints',
      `\${[for e in ${addressOf(existing)} : e if e.private_dns_enabled && contains([for s in ${addressOf(props.services)} : "com.amazonaws.\${${props.regionHcl}}.\${s}"], e.service_name) && !(${notOurs})]}`,
    );
    this.conflictingEndpoints.overrideLogicalId('conflicting_endpoints');
    const conflicting = addressOf(this.conflictingEndpoints);
    // AWS refuses a second private-DNS endpoint for a service in a VPC ("conflicting DNS domain")
    // only after the security group exists: stop the plan instead, on the first resource created.
    addPrecondition(props.guarded, {
      condition: `\${length(${conflicting}) == 0}`,
      errorMessage: `VPC \${${vpcId}} already has Interface endpoints with private DNS for \${join(", ", [for e in ${conflicting} : e.service_name])} (\${join(", ", [for e in ${conflicting} : e.id])}); AWS refuses a second one for the same service ("conflicting DNS domain") after this stack has started creating. Fix: use the existing endpoints (allow 443 from your instances on their security group) and do not deploy this stack into that VPC; or, when only ec2messages conflicts, drop it from var.services.`,
    });
  }
}
