/**
 * A small, dated price table (USD, on-demand, Linux) for what the lab creates, in the regions the
 * README documents. Anything not in it is reported as unknown, never guessed.
 */
import { Entity, NetworkModel } from '../model/plan-model';

export interface Price {
  readonly usd: number;
  readonly unit: 'hour' | 'GB-month' | 'GB' | 'month';
  readonly source: string;
}

export interface RegionPrices {
  readonly natGatewayHour: Price;
  readonly natGatewayGb: Price;
  readonly interfaceEndpointAzHour: Price;
  readonly interfaceEndpointGb: Price;
  readonly publicIpv4Hour: Price;
  readonly gp3GbMonth: Price;
  /** A customer managed KMS key, per month (its requests are billed apart). */
  readonly kmsKeyMonth: Price;
  /** CloudWatch Logs ingestion, per GB (the session transcripts). */
  readonly logsIngestGb: Price;
  readonly instanceHour: Readonly<Record<string, Price>>;
}

export const PRICES_AS_OF = '2026-11-23';
const NAT_PRICES = `Amazon VPC pricing page, NAT gateway (https://aws.amazon.com/vpc/pricing/), as published on ${PRICES_AS_OF} (recorded by hand, not fetched)`;
const ENDPOINT_PRICES = `AWS PrivateLink pricing page, Interface endpoint (https://aws.amazon.com/privatelink/pricing/), as published on ${PRICES_AS_OF} (recorded by hand, not fetched)`;
const AWS_LIST = `AWS on-demand price list as published on ${PRICES_AS_OF} (recorded by hand, not fetched)`;
const IPV4 = 'AWS public IPv4 address charge, all regions, in force since 2024-02-01';
const KMS_PRICES = `AWS KMS pricing page, customer managed key (https://aws.amazon.com/kms/pricing/), as published on ${PRICES_AS_OF} (recorded by hand, not fetched)`;
const LOGS_PRICES = `Amazon CloudWatch pricing page, Logs ingestion (https://aws.amazon.com/cloudwatch/pricing/), as published on ${PRICES_AS_OF} (recorded by hand, not fetched)`;
export const HOURS_PER_MONTH = 730;

export const PRICES: Readonly<Record<string, RegionPrices>> = {
  'ap-northeast-1': {
    natGatewayHour: { usd: 0.062, unit: 'hour', source: NAT_PRICES },
    natGatewayGb: { usd: 0.062, unit: 'GB', source: NAT_PRICES },
    interfaceEndpointAzHour: { usd: 0.014, unit: 'hour', source: ENDPOINT_PRICES },
    interfaceEndpointGb: { usd: 0.01, unit: 'GB', source: ENDPOINT_PRICES },
    publicIpv4Hour: { usd: 0.005, unit: 'hour', source: IPV4 },
    gp3GbMonth: { usd: 0.096, unit: 'GB-month', source: AWS_LIST },
    kmsKeyMonth: { usd: 1, unit: 'month', source: KMS_PRICES },
    logsIngestGb: { usd: 0.76, unit: 'GB', source: LOGS_PRICES },
    instanceHour: {
      't4g.nano': { usd: 0.0054, unit: 'hour', source: AWS_LIST },
      't4g.micro': { usd: 0.0108, unit: 'hour', source: AWS_LIST },
      't3.nano': { usd: 0.0068, unit: 'hour', source: AWS_LIST },
      't3.micro': { usd: 0.0136, unit: 'hour', source: AWS_LIST },
    },
  },
  'us-east-1': {
    natGatewayHour: { usd: 0.045, unit: 'hour', source: AWS_LIST },
    natGatewayGb: { usd: 0.045, unit: 'GB', source: AWS_LIST },
    interfaceEndpointAzHour: { usd: 0.01, unit: 'hour', source: AWS_LIST },
    interfaceEndpointGb: { usd: 0.01, unit: 'GB', source: AWS_LIST },
    publicIpv4Hour: { usd: 0.005, unit: 'hour', source: IPV4 },
    gp3GbMonth: { usd: 0.08, unit: 'GB-month', source: AWS_LIST },
    kmsKeyMonth: { usd: 1, unit: 'month', source: KMS_PRICES },
    logsIngestGb: { usd: 0.5, unit: 'GB', source: LOGS_PRICES },
    instanceHour: {
      't4g.nano': { usd: 0.0042, unit: 'hour', source: AWS_LIST },
      't4g.micro': { usd: 0.0084, unit: 'hour', source: AWS_LIST },
      't3.nano': { usd: 0.0052, unit: 'hour', source: AWS_LIST },
      't3.micro': { usd: 0.0104, unit: 'hour', source: AWS_LIST },
    },
  },
};

export interface CostLine {
  readonly item: string;
  /** USD per hour, or undefined when the price is unknown. */
  readonly usdPerHour?: number;
  readonly note: string;
}

export interface StackCost {
  readonly lines: readonly CostLine[];
  /** Sum of the known lines. */
  readonly knownUsdPerHour: number;
  /** Items whose price is unknown (then the total is a lower bound). */
  readonly unknown: readonly string[];
}

/**
 * Hourly cost of a stack's resources in the model: by default what its plan creates; with
 * `everything`, all it holds (a deployed stack's running cost).
 */
export function stackCost(model: NetworkModel, stack: string, region: string, everything = false): StackCost {
  const prices = PRICES[region];
  const lines: CostLine[] = [];
  const add = (item: string, price: Price | undefined, quantity: number, note: string) => {
    if (!price) {
      lines.push({ item, note: `${note}; no price for ${region} in the table` });
      return;
    }
    const hourly =
      price.unit === 'GB-month' || price.unit === 'month'
        ? (price.usd * quantity) / HOURS_PER_MONTH
        : price.usd * quantity;
    lines.push({ item, usdPerHour: hourly, note });
  };
  const created = (entity: Entity) => entity.stack === stack && (everything || entity.actions.includes('create'));
  for (const entity of model.all().filter(created)) {
    switch (entity.type) {
      case 'aws_nat_gateway':
        add(
          `NAT gateway ${model.label(entity)}`,
          prices?.natGatewayHour,
          1,
          `+ ${prices?.natGatewayGb.usd ?? '?'} USD per GB processed`,
        );
        break;
      case 'aws_eip':
        add(`Elastic IP ${model.label(entity)}`, prices?.publicIpv4Hour, 1, 'public IPv4 address');
        break;
      case 'aws_vpc_endpoint': {
        if (entity.values.vpc_endpoint_type !== 'Interface') break; // gateway endpoints are free
        const zones = Array.isArray(entity.values.subnet_ids) ? entity.values.subnet_ids.length : 1;
        const service = String(entity.values.service_name ?? '')
          .split('.')
          .pop();
        add(
          `Interface endpoint ${service}`,
          prices?.interfaceEndpointAzHour,
          zones,
          `${zones} AZ; + ${prices?.interfaceEndpointGb.usd ?? '?'} USD per GB`,
        );
        break;
      }
      case 'aws_instance': {
        const type = String(entity.values.instance_type);
        add(`EC2 ${type} ${model.label(entity)}`, prices?.instanceHour[type], 1, 'on-demand, Linux');
        if (entity.values.associate_public_ip_address === true)
          add(`public IPv4 of ${model.label(entity)}`, prices?.publicIpv4Hour, 1, 'public IPv4 address');
        const root = entity.values.root_block_device?.[0];
        const size = Number(root?.volume_size ?? 0);
        if (size > 0) {
          const price = root?.volume_type === 'gp3' ? prices?.gp3GbMonth : undefined;
          add(
            `${root?.volume_type ?? 'EBS'} ${size} GiB root volume of ${model.label(entity)}`,
            price,
            size,
            `${HOURS_PER_MONTH} h a month`,
          );
        }
        break;
      }
      case 'aws_kms_key':
        add(
          `KMS key ${model.label(entity)}`,
          prices?.kmsKeyMonth,
          1,
          `USD ${prices?.kmsKeyMonth.usd ?? '?'} a month; + requests`,
        );
        break;
      case 'aws_cloudwatch_log_group':
        // Nothing by the hour: what sessions write, per GB.
        lines.push({
          item: `CloudWatch Logs group ${model.label(entity)}`,
          usdPerHour: 0,
          note: `+ ${prices?.logsIngestGb.usd ?? '?'} USD per GB of transcripts`,
        });
        break;
      case 'aws_ec2_instance_connect_endpoint':
        // EC2 User Guide, "EC2 Instance Connect Endpoint": no additional charge; data across AZs bills as usual.
        lines.push({
          item: `EC2 Instance Connect Endpoint ${model.label(entity)}`,
          usdPerHour: 0,
          note: 'no hourly charge; + cross-AZ data transfer only',
        });
        break;
      default:
        break; // VPCs, subnets, routes, gateways, SGs, IAM, schedules, documents: no hourly charge
    }
  }
  const known = lines.filter((line) => line.usdPerHour !== undefined);
  return {
    lines,
    knownUsdPerHour: known.reduce((sum, line) => sum + line.usdPerHour!, 0),
    unknown: lines.filter((line) => line.usdPerHour === undefined).map((line) => line.item),
  };
}
