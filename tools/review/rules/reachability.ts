/**
 * Can an instance be reached, and why (not)? AWS's documented rules, applied to planned values:
 *
 * Session Manager needs an instance role EC2 may assume that allows the agent's calls (iam.ts),
 * DNS resolution in the VPC, and outbound 443 to each required service (ssm, ssmmessages) along
 * the path its name resolves to:
 *  - an Interface endpoint with private DNS in the instance's VPC with DNS hostnames on: then this
 *    path alone (even where a NAT exists), with the endpoint SG allowing 443 from the instance, the
 *    instance allowing 443 to the endpoint, and the network ACLs between them (nacl.ts);
 *  - else the public name: a default route to an internet gateway plus a public address, or to a
 *    NAT gateway that sits in a subnet routed to an internet gateway, with the ACLs on the way.
 * SSH needs port 22 open from the client, a public address, a route to an internet gateway and a
 * key pair, or (with a key pair) a working Session Manager path for AWS-StartSSHSession.
 */
import { cidrContains, ipv4Range, parseIpv4Cidr } from '../../../lib/cidr';
import { REQUIRED_SESSION_MANAGER_SERVICES, SessionManagerService } from '../../../lib/endpoint-services';
import { FORWARDS_TO_TAG, parseForwardsTo } from '../../../lib/forwarding-target';
import { DEFAULT_HOST_MANAGEMENT_AGENT, DEFAULT_HOST_MANAGEMENT_SETTING } from '../../../lib/systems-manager';
import { endpointPolicyRefuses, judgeRole } from './agent-role';
import { NetworkAcls, PUBLIC_INTERNET } from './nacl';
import { allowsTcp, blockOf, Network, Rule } from './network';
import { PrivateAnswer, PrivateZones, serviceHostName } from './private-dns';
import { TransitGateways } from './transit-gateway';
import { Entity, NetworkModel } from '../model/plan-model';

/** Instance families that do not support an Instance Connect Endpoint's client IP preservation (EC2 User Guide). */
const NO_CLIENT_IP_PRESERVATION = ['c1', 'cg1', 'cg2', 'g1', 'g2', 'hi1', 'm1', 'm2', 'm3', 't1'];
export type AccessPath = 'vpc-endpoints' | 'internet-gateway' | 'nat-gateway' | 'instance-connect-endpoint';

export interface Verdict {
  readonly reachable: boolean;
  /** One line: "Session Manager: reachable via …" or "… NOT reachable — <reason>". */
  readonly text: string;
  readonly reason: string;
  readonly paths: readonly AccessPath[];
  /** Where a path reaches the instance now but no agent answers: what Systems Manager reported. */
  readonly agentSilent?: string;
}

/** How the verdicts speak of what the plans do not hold. */
export interface ReachabilityOptions {
  /**
   * Say, of an instance whose own credentials cannot carry the agent, that Default Host
   * Management Configuration would (a user's plan: the account's setting is not in it).
   * @default false
   */
  readonly defaultHostManagementHint?: boolean;
  /**
   * What Systems Manager reported of instances' agents (DescribeInstanceInformation), by entity
   * id: an agent older than {@link EC2MESSAGES_NOT_NEEDED_FROM} needs ec2messages too, a
   * platform's ephemeral ports take the replies, and the registration itself is a fact of now.
   * @default none
   */
  readonly agents?: ReadonlyMap<string, AgentReport>;
  /**
   * Whether the model is the account as it stands (then an agent that is not Online makes Session
   * Manager NOT reachable now); otherwise a registration of now is an assumption about later.
   * @default false
   */
  readonly registrationIsNow?: boolean;
}

/** An instance's agent as Systems Manager reports it. */
export interface AgentReport {
  /** `PingStatus`, or never registered. */
  readonly status: 'Online' | 'ConnectionLost' | 'Inactive' | 'not registered';
  readonly lastPing?: Date;
  readonly agentVersion?: string;
  /** `PlatformType`: Linux, Windows or MacOS. */
  readonly platformType?: string;
  readonly platformName?: string;
}

/** SSM Agent 3.3.40.0 and later fall back to ssmmessages for what ec2messages carried (Systems Manager guide). */
export const EC2MESSAGES_NOT_NEEDED_FROM = '3.3.40.0';

/** Whether dotted version `a` is older than `b`. */
function olderThan(a: string, b: string): boolean {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const [x, y] = [left[i] ?? 0, right[i] ?? 0];
    if (Number.isNaN(x) || Number.isNaN(y)) return false;
    if (x !== y) return x < y;
  }
  return false;
}

export class Reachability extends Network {
  private static readonly shared = new WeakMap<NetworkModel, Reachability>();

  /**
   * The one assessment of a model: the report, its diagram, the text and the account review's
   * comparison all read the same verdicts, each judged once (a model does not change).
   */
  static of(model: NetworkModel, options?: ReachabilityOptions): Reachability {
    let reach = Reachability.shared.get(model);
    // Options given anew (the assessment's, before any renderer asks) replace a judge made without them.
    if (!reach || (options !== undefined && reach.options !== options)) {
      reach = new Reachability(model, options);
      Reachability.shared.set(model, reach);
    }
    return reach;
  }

  private readonly acls: NetworkAcls;
  private readonly transit: TransitGateways;
  private readonly zones: PrivateZones;
  private readonly verdicts = new Map<string, Verdict>();

  constructor(
    model: NetworkModel,
    private readonly options: ReachabilityOptions = {},
  ) {
    super(model);
    this.acls = new NetworkAcls(model);
    this.transit = new TransitGateways(model, (entity) => this.vpcOf(entity));
    this.zones = new PrivateZones(model);
  }

  /** Session Manager verdict for one instance: each required service judged along the path its DNS name takes. */
  sessionManager(instance: Entity): Verdict {
    return this.remembered(`session-manager ${instance.id}`, () =>
      this.withRegistration(instance, this.judgeSessionManager(instance)),
    );
  }

  /**
   * What Systems Manager reported of the agent, where it decides: an agent that is not Online
   * now stops sessions now, whatever the network would carry; later, its registration is assumed.
   */
  private withRegistration(instance: Entity, verdict: Verdict): Verdict {
    const agent = this.options.agents?.get(instance.id);
    if (!agent || agent.status === 'Online' || !verdict.reachable) return verdict;
    const listed =
      agent.status === 'not registered'
        ? 'Systems Manager lists no agent for it (not registered)'
        : `Systems Manager lists its agent as ${agent.status}${agent.lastPing ? ` (last ping ${agent.lastPing.toISOString()})` : ''}`;
    if (this.options.registrationIsNow) {
      const reason = `${listed}: the network and credentials would carry a session (${verdict.reason}), but no agent answers — not installed, not running, or not yet registered`;
      return {
        reachable: false,
        paths: [],
        reason,
        text: `Session Manager: NOT reachable — ${reason}`,
        agentSilent: listed,
      };
    }
    const reason = `${verdict.reason}; assuming its agent is installed and running: ${listed} now`;
    return {
      ...verdict,
      reason,
      text: verdict.text.replace(/\)$/, `; assuming its agent is installed and running: ${listed} now)`),
    };
  }

  /** The ports replies come back to on this instance: its platform's ephemeral range (Linux's unless Systems Manager reported another). */
  private ephemeralOf(instance: Entity): [number, number] {
    const platform = this.options.agents?.get(instance.id)?.platformType;
    return platform === 'Windows' || platform === 'MacOS' ? IANA_EPHEMERAL_PORTS : EPHEMERAL_PORTS;
  }

  /** The services this instance's agent needs: ec2messages too for an agent older than 3.3.40.0. */
  private servicesFor(instance: Entity): { services: readonly string[]; note?: string } {
    const version = this.options.agents?.get(instance.id)?.agentVersion;
    if (!version || !olderThan(version, EC2MESSAGES_NOT_NEEDED_FROM))
      return { services: REQUIRED_SESSION_MANAGER_SERVICES };
    return {
      services: [...REQUIRED_SESSION_MANAGER_SERVICES, SessionManagerService.EC2_MESSAGES],
      note: `its agent ${version} (as Systems Manager reports it) is older than ${EC2MESSAGES_NOT_NEEDED_FROM}, so it needs ec2messages too`,
    };
  }

  /** SSH verdict: from the allowed sources, or for one client address. */
  ssh(instance: Entity, client?: string): Verdict {
    return this.remembered(`ssh ${instance.id} ${client ?? ''}`, () => this.judgeSsh(instance, client));
  }

  /**
   * A verdict judged once per model: the report, its diagram and the forwarding hop all ask for the
   * same instance's first hops, and the model does not change under a Reachability.
   */
  private remembered(key: string, judge: () => Verdict): Verdict {
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      verdict = judge();
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  private judgeSessionManager(instance: Entity): Verdict {
    const fail = (reason: string): Verdict => ({
      reachable: false,
      reason,
      paths: [],
      text: `Session Manager: NOT reachable — ${reason}`,
    });

    const stopped = this.notRunning(instance);
    if (stopped) return fail(stopped);
    // Every reason is listed: what the instance lacks, then what its network lacks.
    const lacks: string[] = [];
    const assumptions: string[] = [];
    const profile = this.model.target(instance, 'iam_instance_profile');
    const role = profile ? this.model.target(profile, 'role') : undefined;
    let credentials: string | undefined;
    // The agent reports with the profile's credentials first and falls back to Default Host
    // Management only when that call (UpdateInstanceInformation) fails (amazon-ssm-agent,
    // common/identity/credentialproviders/ec2roleprovider: Retrieve).
    let fallsBack = true;
    if (!profile) credentials = 'no instance profile, so the SSM Agent has no Systems Manager role';
    else if (!role) credentials = `the instance profile ${this.model.label(profile)} has no role`;
    else {
      const roleVerdict = judgeRole(this.model, role);
      if (!roleVerdict.ok) {
        credentials = roleVerdict.problem!;
        fallsBack = (roleVerdict.missing ?? []).includes('ssm:UpdateInstanceInformation');
      }
      assumptions.push(...(roleVerdict.assumptions ?? []));
    }
    if (credentials) {
      const managed = fallsBack ? this.defaultHostManagement() : undefined;
      if (!managed) {
        const hint =
          fallsBack && this.options.defaultHostManagementHint
            ? ` (Default Host Management Configuration would manage it if the account turned it on: off by default, and not set in this plan)`
            : '';
        lacks.push(`${credentials}${hint}`);
      } else if ('problem' in managed) lacks.push(`${credentials}, and ${managed.problem}`);
      else assumptions.unshift(managed.detail, ...managed.assumptions);
    }
    const metadata = blockOf(instance.values.metadata_options);
    if (metadata?.http_endpoint === 'disabled')
      lacks.push(
        'its instance metadata service is off (metadata_options http_endpoint = "disabled"), and the SSM Agent takes the role\'s credentials from it',
      );
    const roleArn = typeof role?.values.arn === 'string' ? role.values.arn : undefined;

    const subnet = this.subnetOf(instance);
    const vpc = subnet ? this.vpcOf(subnet) : undefined;
    if (!subnet || !vpc) return fail([...lacks, 'its subnet or VPC is not in the plans'].join('; '));
    if (vpc.values.enable_dns_support === false) {
      return fail(
        [
          ...lacks,
          `${this.model.label(vpc)} has DNS support off, so the instance cannot resolve any Systems Manager endpoint name (neither public nor private DNS)`,
        ].join('; '),
      );
    }
    const groups = this.securityGroupsOf(instance);
    const allowed = this.rules('egress', groups).filter((rule) => allowsTcp(rule, 443));
    if (allowed.length === 0) lacks.push('the instance security groups allow no outbound 443');
    // Without it, the network is judged as if 443 went everywhere: its own faults are listed too.
    const egress: Rule[] =
      allowed.length > 0
        ? allowed
        : [{ entity: instance, protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0' }];

    const dnsHostnames = vpc.values.enable_dns_hostnames === true;
    const { services, note: agentNote } = this.servicesFor(instance);
    const ports = this.ephemeralOf(instance);
    const anyEndpoint = services.some((service) => this.interfaceEndpoint(vpc, service));
    // A shared endpoint's work says which endpoint and zone (`shared`), then the path to it (`detail`).
    const works: { service: string; path: AccessPath; detail: string; shared?: string }[] = [];
    let privateZoneFound = false;
    const problems: { service: string; problem: string }[] = [];
    const notes = new Map<string, string[]>(); // note → services
    const note = (text: string, service: string) => notes.set(text, [...(notes.get(text) ?? []), service]);
    let internetPath: ReturnType<Reachability['internetPath']> | undefined; // the same for every service: judged once
    const region = this.regionOf(subnet, vpc);
    for (const service of services) {
      const endpoint = this.interfaceEndpoint(vpc, service);
      if (endpoint?.values.private_dns_enabled === true && dnsHostnames) {
        // Private DNS answers with the endpoint's addresses: this path, and only this one, is taken.
        const result = this.endpointPath(endpoint, groups, subnet, egress, roleArn, ports);
        if ('problem' in result) problems.push({ service, problem: result.problem });
        else works.push({ service, path: 'vpc-endpoints', detail: result.detail });
        continue;
      }
      // No endpoint of its own answers: a private hosted zone associated with the VPC may (a shared endpoint).
      const privateAnswer = region ? this.zones.answer(vpc, serviceHostName(service, region), service) : undefined;
      if (privateAnswer) privateZoneFound = true;
      if (privateAnswer && !dnsHostnames)
        note(
          `the private hosted zones of {endpoints} do not apply (${this.model.label(vpc)} has DNS hostnames off; private hosted zones need DNS support and DNS hostnames on), so the public names are used`,
          service,
        );
      else if (privateAnswer) {
        const result = this.sharedEndpointPath(privateAnswer, groups, subnet, egress, roleArn, ports);
        if ('problem' in result) problems.push({ service, problem: result.problem });
        else {
          works.push({ service, path: 'vpc-endpoints', detail: result.detail, shared: result.head });
          if (result.assumption) assumptions.push(result.assumption);
        }
        continue;
      }
      // A zone for the name that is not associated with the VPC is named where its endpoint is routed to both ways.
      const name = region ? serviceHostName(service, region) : undefined;
      const elsewhere =
        name && !privateAnswer
          ? this.zones.unassociated(vpc, name).filter((zone) => {
              const answer = this.zones.answerOf(zone, name, service, vpc);
              return (
                'endpoint' in answer &&
                this.model
                  .targets(answer.endpoint, 'subnet_ids')
                  .some(
                    (there) =>
                      'detail' in
                      this.routeBetween(
                        subnet,
                        there,
                        ipv4Range(String(subnet.values.cidr_block ?? '')),
                        ipv4Range(String(there.values.cidr_block ?? '')),
                      ),
                  )
              );
            })
          : [];
      if (elsewhere.length > 0)
        note(
          `the private hosted zones for {endpoints'} names are not associated with ${this.model.label(vpc)}, so the public names are used`,
          service,
        );
      if (endpoint?.values.private_dns_enabled === true)
        note(
          `{endpoints'} private DNS does not apply (${this.model.label(vpc)} has DNS hostnames off), so the public names are used`,
          service,
        );
      else if (endpoint) note(`{endpoints'} private DNS is off, so the public names are used`, service);
      const internet = (internetPath ??= this.internetPath(instance, subnet, egress));
      if (typeof internet !== 'string') works.push({ service, path: internet.path, detail: internet.detail });
      else if (anyEndpoint && !endpoint)
        problems.push({
          service,
          problem: `no ${service} endpoint with private DNS in ${this.model.label(vpc)}, and ${internet}`,
        });
      else problems.push({ service, problem: internet });
    }
    const noteText = [...notes].map(([text, services]) => `${nameEndpoints(text, services)}; `).join('');
    if (lacks.length > 0 && problems.length === 0) return fail(lacks.join('; '));
    if (problems.length > 0) {
      const byProblem = new Map<string, string[]>();
      for (const { service, problem } of problems) byProblem.set(problem, [...(byProblem.get(problem) ?? []), service]);
      const shared = byProblem.size === 1 && problems.length === services.length;
      const reasons = [...byProblem].map(([problem, services]) =>
        shared || problem.includes('{endpoints')
          ? nameEndpoints(problem, services)
          : `for ${services.join(' and ')}: ${problem}`,
      );
      const suffix =
        !anyEndpoint && !privateZoneFound && works.length === 0
          ? `, and ${this.model.label(vpc)} has no Session Manager endpoints`
          : '';
      const text = `${[...lacks, ...(agentNote ? [agentNote] : [])].map((lack) => `${lack}; `).join('')}${noteText}${reasons.join('; ')}${suffix}`;
      // Where the replies' ports decide, say whose they are.
      const platform = this.options.agents?.get(instance.id)?.platformType;
      const portsDecide = ports !== EPHEMERAL_PORTS && text.includes(`${ports[0]}-${ports[1]}`);
      return fail(
        portsDecide
          ? `${text} (a ${platform} instance, as Systems Manager reports it: replies come back to ports ${ports[0]}-${ports[1]})`
          : text,
      );
    }
    const paths = [...new Set(works.map((w) => w.path))];
    const details: string[] = [];
    const viaEndpoints = works.filter((w) => w.path === 'vpc-endpoints' && !w.shared);
    if (viaEndpoints.length > 0) {
      details.push(
        `${viaEndpoints.map((w) => w.service).join(', ')} with private DNS in ${this.model.label(vpc)}; ${[...new Set(viaEndpoints.map((w) => w.detail))].join('; ')}`,
      );
    }
    const viaShared = works.filter((w) => w.shared);
    if (viaShared.length > 0)
      details.push(
        `${viaShared.map((w) => `the ${w.service} endpoint ${w.shared}`).join(', ')}; ${[...new Set(viaShared.map((w) => w.detail))].join('; ')}`,
      );
    for (const w of works.filter((w) => w.path !== 'vpc-endpoints'))
      if (!details.includes(w.detail)) details.push(w.detail);
    const via = paths.map((path) => PATH_NAMES[path]).join(' and ');
    if (agentNote) details.push(agentNote);
    // What the plan cannot decide is said, not taken as true in silence.
    for (const assumption of assumptions) details.push(assumption);
    const reason = `${noteText}${details.join('; ')}`;
    return { reachable: true, paths, reason, text: `Session Manager: reachable via ${via} (${reason})` };
  }

  private judgeSsh(instance: Entity, client?: string): Verdict {
    const fail = (reason: string): Verdict => ({
      reachable: false,
      reason,
      paths: [],
      text: `SSH: NOT reachable — ${reason}`,
    });
    const stopped = this.notRunning(instance);
    if (stopped) return fail(stopped);
    const open = this.rules('ingress', this.securityGroupsOf(instance)).filter((rule) => allowsTcp(rule, 22));
    const eice = open.length > 0 ? this.instanceConnectPath(instance, open) : undefined;
    if (eice && 'detail' in eice)
      return {
        reachable: true,
        paths: ['instance-connect-endpoint'],
        reason: eice.detail,
        text: `SSH: reachable via EC2 Instance Connect Endpoint (${eice.detail})`,
      };
    const cidrs = [...new Set(open.map((rule) => rule.cidr).filter((cidr): cidr is string => cidr !== undefined))];
    // A prefix list whose entries the plans do not show: its ranges are assumed to hold the client.
    const lists = [
      ...new Set(open.filter((rule) => rule.cidr === undefined && rule.prefixList).map((r) => r.prefixList!)),
    ];
    const assumedList =
      lists.length > 0
        ? `assuming prefix list ${lists.join(', ')} (its entries are not in the plans) holds the client's address`
        : undefined;
    // Ranges by where they come from: written in the rule, or a prefix list's entries (named).
    const byList = new Map<string, string[]>();
    for (const rule of open)
      if (rule.cidr !== undefined) {
        const from = rule.prefixList ?? '';
        if (!byList.get(from)?.includes(rule.cidr)) byList.set(from, [...(byList.get(from) ?? []), rule.cidr]);
      }
    const sources = [
      ...[...byList].map(([list, ranges]) => (list ? `${ranges.join(', ')} (prefix list ${list})` : ranges.join(', '))),
      ...lists.map((list) => `prefix list ${list}`),
    ];
    const key = this.keyPairOf(instance);
    if (sources.length === 0) {
      // With a key pair, ssh can ride a Session Manager session (AWS-StartSSHSession) while port 22 stays closed.
      if (key && this.sessionManager(instance).reachable) {
        const reason = `AWS-StartSSHSession over Session Manager; port 22 stays closed; ${key}`;
        return { reachable: true, paths: [], reason, text: `SSH: reachable through Session Manager (${reason})` };
      }
      if (eice && 'problem' in eice) return fail(eice.problem);
      // Open from groups only: say what the rules admit and why that is not a way in.
      const peers = [...new Set(open.map((rule) => this.model.label(rule.securityGroup)))];
      return fail(
        open.length > 0
          ? `port 22 is open only to members of ${peers.join(', ')}: a rule by security group admits no client on the internet, and the VPC has no EC2 Instance Connect Endpoint`
          : 'no inbound rule opens port 22',
      );
    }
    // The direct path's failure, and why the Instance Connect Endpoint does not serve it either.
    const failDirect = (reason: string) => fail(eice && 'problem' in eice ? `${reason}; ${eice.problem}` : reason);
    if (client !== undefined) {
      const clientCidr = parseIpv4Cidr(client.includes('/') ? client : `${client}/32`);
      if (!clientCidr || (!assumedList && !cidrs.some((cidr) => cidrContains(parseIpv4Cidr(cidr)!, clientCidr)))) {
        return failDirect(`port 22 is open only to ${cidrs.join(', ')}; ${client} is not in it`);
      }
    }
    if (!this.hasPublicAddress(instance)) return failDirect('the instance has no public address');
    const subnet = this.subnetOf(instance);
    const route = subnet ? this.defaultRoute(subnet) : undefined;
    if (!subnet || route?.kind !== 'internet-gateway')
      return failDirect(
        route?.through
          ? `its subnet sends 0.0.0.0/0 through ${this.model.label(route.through[0])}, and the firewall's subnet ${this.model.label(route.firewallSubnet)} has no default route to an internet gateway`
          : 'its subnet has no default route to an internet gateway',
      );
    const firewall = this.firewallAssumption(route, 22);
    // The subnet's network ACL: port 22 in from the clients, and the replies out to their ports.
    const clients = (client !== undefined ? [client.includes('/') ? client : `${client}/32`] : cidrs)
      .map((cidr) => ipv4Range(cidr))
      .filter((range): range is [number, number] => range !== undefined);
    const aclProblem = [
      this.acls.allowsTcp(subnet, 'in', [22, 22], clients),
      this.acls.allowsTcp(subnet, 'out', SSH_CLIENT_PORTS, clients),
    ].find((verdict) => !verdict.allowed);
    if (aclProblem) return failDirect(`in ${this.model.label(subnet)}, ${aclProblem.why}`);
    if (!key) return failDirect('no key pair is installed');
    const reason = `port 22 open from ${sources.join(', ')}; public address; route to the internet gateway${firewall ? ` ${firewall}` : ''}; ${key}${assumedList ? `; ${assumedList}` : ''}`;
    return {
      reachable: true,
      paths: ['internet-gateway'],
      reason,
      text: `SSH: reachable from ${client ?? sources.join(', ')} (${reason})`,
    };
  }

  /**
   * The forwarding verdict of an instance that names a target in its `ForwardsTo` tag (undefined
   * for one that names none): a local port reaches `<target>:<port>` only if the first hop (a
   * Session Manager session, or SSH — directly or through an EC2 Instance Connect Endpoint) opens,
   * and the instance itself can open tcp/<port> to the target by AWS's rules: a route between
   * their subnets (the VPC's local route, or a peering or transit gateway route both ways), the
   * instance's security groups sending the port to the target, the target's admitting it from the
   * instance (by group reference or a covering range), and the network ACLs of both subnets
   * passing the port one way and the replies the other (none between resources of one subnet).
   * Every reason is given, not just the first.
   */
  forwarding(instance: Entity): Verdict | undefined {
    const wanted = parseForwardsTo(instance.values.tags?.[FORWARDS_TO_TAG]);
    if (!wanted) return undefined;
    const label = `Port forwarding to ${wanted.name}:${wanted.port}`;
    const problems: string[] = [];
    const sessionManager = this.sessionManager(instance);
    const ssh = sessionManager.reachable ? undefined : this.ssh(instance);
    let hop: string | undefined;
    let paths: readonly AccessPath[] = [];
    if (sessionManager.reachable) {
      paths = sessionManager.paths;
      hop = `Session Manager over the ${paths.map((path) => PATH_NAMES[path]).join(' and ')}, document AWS-StartPortForwardingSessionToRemoteHost`;
    } else if (ssh!.reachable && ssh!.paths.includes('instance-connect-endpoint')) {
      hop = 'the EC2 Instance Connect Endpoint, ssh -L over open-tunnel to the instance';
      paths = ssh!.paths;
    } else if (ssh!.reachable) {
      paths = ssh!.paths;
      hop = `SSH over the ${paths.map((path) => PATH_NAMES[path]).join(' and ') || 'network'}, ssh -L`;
    } else {
      problems.push(
        `no first hop reaches the instance (Session Manager: ${sessionManager.reason}; SSH: ${ssh!.reason})`,
      );
    }
    const target = this.model
      .all('aws_instance')
      .find((candidate) => candidate.id !== instance.id && this.model.label(candidate) === wanted.name);
    const fail = (reasons: string[]): Verdict => {
      const reason = reasons.join('; ');
      return { reachable: false, paths: [], reason, text: `${label}: NOT reachable — ${reason}` };
    };
    if (!target) return fail([...problems, `no instance named ${wanted.name} is in the plans`]);
    const details: string[] = [];
    const stopped = this.notRunning(target);
    if (stopped) problems.push(stopped.replace('the instance', 'the target'));

    const subnet = this.subnetOf(instance);
    const targetSubnet = this.subnetOf(target);
    if (!subnet || !targetSubnet)
      return fail([...problems, "the instance's or the target's subnet is not in the plans"]);
    const here = this.addressRange(instance, subnet);
    const there = this.addressRange(target, targetSubnet);
    const route = this.routeBetween(subnet, targetSubnet, here, there);
    if ('problem' in route) problems.push(route.problem);
    else details.push(route.detail);

    const groups = this.securityGroupsOf(instance);
    const targetGroups = this.securityGroupsOf(target);
    const groupIds = new Set(groups.map((group) => group.id));
    const targetGroupIds = new Set(targetGroups.map((group) => group.id));
    const covers = (cidr: string | undefined, range: [number, number] | undefined) => {
      const outer = cidr ? ipv4Range(cidr) : undefined;
      return outer !== undefined && range !== undefined && outer[0] <= range[0] && range[1] <= outer[1];
    };
    // A group reference across VPCs works only where the link between them carries it.
    const crossing =
      this.vpcOf(subnet)?.id !== this.vpcOf(targetSubnet)?.id ? this.routeFor(subnet, there).via : undefined;
    const refusedReferences: string[] = [];
    const referenceWorks = (direction: 'inbound' | 'outbound') => {
      const fails = this.referenceFails(crossing, direction);
      if (fails) refusedReferences.push(fails);
      return fails === undefined;
    };
    const sent = this.rules('egress', groups)
      .filter((rule) => allowsTcp(rule, wanted.port))
      .find(
        (rule) =>
          (rule.securityGroup !== undefined &&
            targetGroupIds.has(rule.securityGroup.id) &&
            referenceWorks('outbound')) ||
          covers(rule.cidr, there),
      );
    if (!sent)
      problems.push(
        `the instance security groups send no tcp/${wanted.port} to the target (neither to its security group ${targetGroups.map((g) => this.model.label(g)).join(', ') || '(none)'} nor to a range covering it)`,
      );
    else details.push(`instance SG sends tcp/${wanted.port} to ${sent.securityGroup ? 'the target SG' : sent.cidr}`);
    const admitted = this.rules('ingress', targetGroups)
      .filter((rule) => allowsTcp(rule, wanted.port))
      .find(
        (rule) =>
          (rule.securityGroup !== undefined && groupIds.has(rule.securityGroup.id) && referenceWorks('inbound')) ||
          covers(rule.cidr, here),
      );
    if (!admitted)
      problems.push(
        `the target's security group ${targetGroups.map((g) => this.model.label(g)).join(', ') || '(none)'} admits no tcp/${wanted.port} from the instance (neither from its security group nor from a range covering it)`,
      );
    else
      details.push(
        `target SG admits tcp/${wanted.port} from ${admitted.securityGroup ? 'the instance SG' : `${admitted.cidr} (covers the instance)`}`,
      );
    for (const refused of new Set(refusedReferences))
      if (problems.some((problem) => problem.includes('security group')))
        problems.push(`a rule by security group does not count: ${refused}`);
    if (subnet.id !== targetSubnet.id && here && there) {
      for (const [aclSubnet, verdict] of [
        [subnet, this.acls.allowsTcp(subnet, 'out', [wanted.port, wanted.port], [there])],
        [targetSubnet, this.acls.allowsTcp(targetSubnet, 'in', [wanted.port, wanted.port], [here])],
        [targetSubnet, this.acls.allowsTcp(targetSubnet, 'out', this.ephemeralOf(instance), [here])],
        [subnet, this.acls.allowsTcp(subnet, 'in', this.ephemeralOf(instance), [there])],
      ] as const)
        if (!verdict.allowed) problems.push(`in ${this.model.label(aclSubnet)}, ${verdict.why}`);
    }
    if (problems.length > 0 || !hop) return fail(problems);
    const reason = details.join('; ');
    return { reachable: true, paths, reason, text: `${label}: reachable via ${hop} (${reason})` };
  }

  /** The addresses an instance speaks from: its private address when the plan knows it, else its subnet. */
  private addressRange(instance: Entity, subnet: Entity): [number, number] | undefined {
    const ip = instance.values.private_ip;
    if (typeof ip === 'string' && ipv4Range(`${ip}/32`)) return ipv4Range(`${ip}/32`);
    return ipv4Range(String(subnet.values.cidr_block ?? ''));
  }

  /**
   * Whether packets go from one subnet to the other and back: within one VPC its local route
   * does it; across VPCs each subnet's route table needs a route covering the other side, through
   * one VPC peering connection between the two VPCs (accepted) or one transit gateway whose tables
   * send each side's addresses to the other side's attachment (transitBetween).
   */
  routeBetween(
    from: Entity,
    to: Entity,
    fromRange: [number, number] | undefined,
    toRange: [number, number] | undefined,
  ): { detail: string } | { problem: string } {
    const fromVpc = this.vpcOf(from);
    const toVpc = this.vpcOf(to);
    if (!fromVpc || !toVpc) return { problem: "the instance's or the target's VPC is not in the plans" };
    if (fromVpc.id === toVpc.id)
      return {
        detail:
          from.id === to.id
            ? `same subnet ${this.model.label(from)}`
            : `same VPC ${this.model.label(fromVpc)} (local route; ${this.model.label(from)} → ${this.model.label(to)})`,
      };
    const there = this.routeFor(from, toRange);
    const back = this.routeFor(to, fromRange);
    const between = `the instance is in ${this.model.label(fromVpc)} and the target in ${this.model.label(toVpc)}`;
    const joins = (via: Entity | undefined) =>
      via?.type === 'aws_vpc_peering_connection' || via?.type === 'aws_ec2_transit_gateway';
    if (!joins(there.via) || !joins(back.via)) {
      const side = (subnet: Entity, via: Entity | undefined, whose: string) =>
        joins(via)
          ? ''
          : via
            ? `${this.model.label(subnet)} sends ${whose} addresses to ${this.model.label(via)}, which joins no VPCs`
            : `${this.model.label(subnet)} has no route to ${whose} addresses`;
      return {
        problem: `${between}, and no route joins them (${[
          side(from, there.via, "the target's"),
          side(to, back.via, "the instance's"),
        ]
          .filter(Boolean)
          .join('; ')}; a VPC peering connection or a transit gateway with routes both ways would)`,
      };
    }
    const [thereVia, backVia] = [there.via!, back.via!];
    if (thereVia.type === 'aws_vpc_peering_connection' && backVia.type === 'aws_vpc_peering_connection') {
      if (thereVia.id !== backVia.id)
        return { problem: `${between}, and their routes use different peering connections` };
      const joins = [this.model.target(thereVia, 'vpc_id')?.id, this.model.target(thereVia, 'peer_vpc_id')?.id];
      if (!joins.includes(fromVpc.id) || !joins.includes(toVpc.id))
        return {
          problem: `${between}, and peering connection ${this.model.label(thereVia)} does not join those two VPCs`,
        };
      const accepted =
        thereVia.values.auto_accept === true ||
        thereVia.values.accept_status === 'active' ||
        this.model.pointingAt('aws_vpc_peering_connection_accepter', 'vpc_peering_connection_id', thereVia).length > 0;
      if (!accepted)
        return {
          problem: `${between}, and peering connection ${this.model.label(thereVia)} is never accepted (no auto_accept, no accepter)`,
        };
      return { detail: `peering connection ${this.model.label(thereVia)} routes both ways` };
    }
    if (thereVia.type === 'aws_ec2_transit_gateway' && backVia.type === 'aws_ec2_transit_gateway')
      return this.transitBetween(thereVia, backVia, [from, fromVpc, fromRange], [to, toVpc, toRange], between);
    return {
      detail: `routes out through ${this.model.label(thereVia)} and back through ${this.model.label(backVia)} (asymmetric: assumed to pass)`,
    };
  }

  /**
   * Both ways through one transit gateway: each side's attachment (with a subnet in the side's
   * zone) and the route table it is associated with, whose longest prefix for the other side's
   * addresses must lead to the other side's attachment.
   */
  private transitBetween(
    there: Entity,
    back: Entity,
    [from, fromVpc, fromRange]: [Entity, Entity, [number, number] | undefined],
    [to, toVpc, toRange]: [Entity, Entity, [number, number] | undefined],
    between: string,
  ): { detail: string } | { problem: string } {
    const label = (entity: Entity | undefined) => this.model.label(entity);
    if (there.id !== back.id)
      return {
        problem: `${between}, and their routes use different transit gateways (${label(there)}, ${label(back)})`,
      };
    const tgw = there;
    const side = (
      subnet: Entity,
      vpc: Entity,
      range: [number, number] | undefined,
      otherVpc: Entity,
      whose: string,
    ): { table?: string; problem?: string } => {
      const attachment = this.transit.attachmentOf(tgw, vpc);
      if (!attachment) return { problem: `${label(vpc)} has no attachment to it` };
      const zone = this.transit.zoneProblem(attachment, subnet);
      if (zone) return { problem: zone };
      const table = this.transit.tableOf(attachment, tgw);
      if (!table) return { problem: `attachment ${label(attachment)} is associated with no route table` };
      if (!range) return { table: table.label };
      const hop = this.transit.route(tgw, table, range);
      const other = this.transit.attachmentOf(tgw, otherVpc);
      if ('none' in hop) return { problem: `${table.label} has no route to ${whose} addresses` };
      if ('blackhole' in hop)
        return { problem: `${table.label} drops ${whose} addresses (a blackhole route for ${hop.cidr})` };
      if (hop.attachment.id !== other?.id)
        return {
          problem: `${table.label} sends ${whose} addresses to ${label(hop.attachment)}, not to ${label(otherVpc)}'s attachment`,
        };
      return { table: table.label };
    };
    const out = side(from, fromVpc, toRange, toVpc, "the target's");
    const home = side(to, toVpc, fromRange, fromVpc, "the instance's");
    const problems = [out.problem, home.problem].filter((problem): problem is string => problem !== undefined);
    if (problems.length > 0)
      return { problem: `${between}, and transit gateway ${label(tgw)} does not join them (${problems.join('; ')})` };
    return { detail: `transit gateway ${label(tgw)} routes both ways (${out.table}; back by ${home.table})` };
  }

  /**
   * The route a subnet's table uses for every address of `range` (longest prefix first): what it
   * goes to, or nothing when no route covers the whole range.
   */
  /** The endpoint a private hosted zone associated with the instance's VPC answers a service's name with, if any. */
  sharedEndpoint(instance: Entity, service: string): Entity | undefined {
    const subnet = this.subnetOf(instance);
    const vpc = subnet ? this.vpcOf(subnet) : undefined;
    const region = subnet && vpc ? this.regionOf(subnet, vpc) : undefined;
    const answer = vpc && region ? this.zones.answer(vpc, serviceHostName(service, region), service) : undefined;
    return answer && 'endpoint' in answer ? answer.endpoint : undefined;
  }

  /**
   * Where a subnet's 0.0.0.0/0 goes when no internet or NAT gateway takes it: a transit gateway
   * or a peering connection (the diagram draws it), else undefined.
   */
  defaultTransit(subnet: Entity): Entity | undefined {
    return this.defaultRoute(subnet).kind ? undefined : this.routeFor(subnet, EVERY_ADDRESS).via;
  }

  private routeFor(subnet: Entity, range: [number, number] | undefined): { via?: Entity } {
    const routeTable = this.routeTableOf(subnet);
    if (!routeTable || !range) return {};
    const candidates: { cidr: string; via: Entity[] }[] = [];
    const attributes = ['vpc_peering_connection_id', 'transit_gateway_id', 'gateway_id', 'nat_gateway_id'];
    for (const route of this.model.pointingAt('aws_route', 'route_table_id', routeTable)) {
      const cidr = route.values.destination_cidr_block;
      if (typeof cidr === 'string')
        candidates.push({ cidr, via: attributes.flatMap((attribute) => this.model.targets(route, attribute)) });
    }
    const inline = Array.isArray(routeTable.values.route) ? routeTable.values.route : [];
    const referenced = this.model.targets(routeTable, 'route');
    for (const block of inline) {
      if (typeof block?.cidr_block !== 'string') continue;
      const known = attributes
        .map((attribute) => block[attribute])
        .filter((id): id is string => typeof id === 'string' && id !== '')
        .flatMap((id) => this.model.byValue(id));
      candidates.push({ cidr: block.cidr_block, via: known.length > 0 ? known : referenced });
    }
    const covering = candidates
      .filter(({ cidr }) => {
        const outer = ipv4Range(cidr);
        return outer !== undefined && outer[0] <= range[0] && range[1] <= outer[1];
      })
      .sort((a, b) => Number(b.cidr.split('/')[1]) - Number(a.cidr.split('/')[1]));
    const best = covering[0]?.via.find((entity) =>
      ['aws_vpc_peering_connection', 'aws_ec2_transit_gateway', 'aws_internet_gateway', 'aws_nat_gateway'].includes(
        entity.type,
      ),
    );
    return { via: best };
  }

  /**
   * SSH through an EC2 Instance Connect Endpoint in the instance's VPC (EC2 User Guide, "EC2
   * Instance Connect Endpoint"): the endpoint opens tcp/22 to the instance from its own interface
   * (or, with `preserve_client_ip`, with the client's address as the source), so the instance SG
   * must admit that source, the endpoint SG must send tcp/22 to the instance, and the subnets'
   * network ACLs must pass it and the replies. No key pair is needed: the CLI pushes a key.
   * Undefined when the VPC has no endpoint.
   */
  instanceConnectPath(instance: Entity, open: readonly Rule[]): { detail: string } | { problem: string } | undefined {
    const subnet = this.subnetOf(instance);
    const vpc = subnet ? this.vpcOf(subnet) : undefined;
    if (!subnet || !vpc) return undefined;
    const endpoint = this.model.all('aws_ec2_instance_connect_endpoint').find((candidate) => {
      const endpointSubnet = this.model.target(candidate, 'subnet_id');
      return endpointSubnet !== undefined && this.vpcOf(endpointSubnet)?.id === vpc.id;
    });
    if (!endpoint) return undefined;
    const name = this.model.label(endpoint);
    const endpointSubnet = this.model.target(endpoint, 'subnet_id')!;
    const endpointGroups = this.securityGroupsOf(endpoint, 'security_group_ids');
    const endpointIds = new Set(endpointGroups.map((group) => group.id));
    const instanceIds = new Set(this.securityGroupsOf(instance).map((group) => group.id));
    const endpointCidr = parseIpv4Cidr(String(endpointSubnet.values.cidr_block ?? ''));
    const instanceCidr = parseIpv4Cidr(String(subnet.values.cidr_block ?? ''));
    // AWS, "Security groups for EC2 Instance Connect Endpoint": a rule that references the endpoint's
    // group admits it whether client IP preservation is on or off; a rule by address range must
    // cover the client's address when it is on (the provider's default) and the endpoint's
    // interface when it is off.
    const preserve = endpoint.values.preserve_client_ip !== false;
    const family = String(instance.values.instance_type ?? '')
      .split('.')[0]
      .toLowerCase();
    if (preserve && NO_CLIENT_IP_PRESERVATION.includes(family))
      return {
        problem: `the EC2 Instance Connect Endpoint ${name} keeps the client's address (preserve_client_ip = true, the default), which ${instance.values.instance_type} instances do not support: connections fail (AWS: set preserve_client_ip = false for ${NO_CLIENT_IP_PRESERVATION.map((f) => f.toUpperCase()).join(', ')})`,
      };
    const byGroup = open.some((rule) => rule.securityGroup && endpointIds.has(rule.securityGroup.id));
    const ranges = open.filter((rule) => rule.cidr !== undefined);
    const byRange = preserve
      ? ranges
      : ranges.filter((rule) => endpointCidr && cidrContains(parseIpv4Cidr(rule.cidr!)!, endpointCidr));
    if (!byGroup && byRange.length === 0)
      return {
        problem: preserve
          ? `the instance SG admits tcp/22 neither from the EC2 Instance Connect Endpoint ${name}'s security group nor from any address range (with preserve_client_ip = true, the default, a rule by range must cover the client's own address)`
          : `the instance SG admits tcp/22 neither from the EC2 Instance Connect Endpoint ${name}'s security group nor from a range covering its subnet (with preserve_client_ip = false the endpoint's interface is the source)`,
      };
    const sent = this.rules('egress', endpointGroups)
      .filter((rule) => allowsTcp(rule, 22))
      .some(
        (rule) =>
          (rule.securityGroup && instanceIds.has(rule.securityGroup.id)) ||
          (rule.cidr && instanceCidr && cidrContains(parseIpv4Cidr(rule.cidr)!, instanceCidr)),
      );
    if (!sent)
      return {
        problem: `the EC2 Instance Connect Endpoint ${name}'s security group sends no tcp/22 to the instance (neither to its security group nor to a range covering its subnet)`,
      };
    if (endpointSubnet.id !== subnet.id) {
      const there = ipv4Range(String(endpointSubnet.values.cidr_block ?? ''));
      const here = ipv4Range(String(subnet.values.cidr_block ?? ''));
      if (there && here) {
        const blocked = [
          this.acls.allowsTcp(endpointSubnet, 'out', [22, 22], [here]),
          this.acls.allowsTcp(subnet, 'in', [22, 22], [there]),
          this.acls.allowsTcp(subnet, 'out', NAT_PORTS, [there]),
          this.acls.allowsTcp(endpointSubnet, 'in', NAT_PORTS, [here]),
        ].find((verdict) => !verdict.allowed);
        if (blocked)
          return { problem: `between the EC2 Instance Connect Endpoint ${name} and the instance, ${blocked.why}` };
      }
    }
    const admitted = byGroup
      ? 'instance SG admits tcp/22 from the endpoint SG'
      : preserve
        ? `instance SG admits tcp/22 from ${byRange.map((r) => r.cidr).join(', ')} (preserve_client_ip = true: the client's address must be in it)`
        : `instance SG admits tcp/22 from ${byRange.map((r) => r.cidr).join(', ')} (covers the endpoint's subnet)`;
    return {
      detail: `${name} in ${this.model.label(vpc)}; ${admitted}; endpoint SG sends tcp/22 to the instance; no key pair needed: the CLI pushes a one-minute key`,
    };
  }

  /** The instance's Region: its subnet's Availability Zone, else the service names of the plans' endpoints. */
  private regionOf(subnet: Entity, vpc: Entity): string | undefined {
    const fromZone = regionOfZone(subnet.values.availability_zone);
    if (fromZone) return fromZone;
    for (const endpoint of this.model.all('aws_vpc_endpoint')) {
      const match = /^com\.amazonaws\.([a-z0-9-]+)\./.exec(String(endpoint.values.service_name ?? ''));
      if (match) return match[1];
    }
    // Else the Region a private zone of the VPC names for a Session Manager service.
    for (const candidate of this.zones.zonesOf(vpc)) {
      const match = /^(?:ssm|ssmmessages|ec2messages)\.([a-z0-9-]+)\.amazonaws\.com\.?$/.exec(
        String(candidate.values.name),
      );
      if (match) return match[1];
    }
    return undefined;
  }

  /**
   * A service reached through a private hosted zone (AWS's "centralize access using VPC interface
   * endpoints"): the zone's record must name an endpoint of the service; the endpoint may sit in
   * another VPC, reached by a route both ways between the instance's subnet and each of the
   * endpoint's subnets (the name answers with all of them), and its security group admits the
   * instance by range, or by group reference only where a reference works across that link.
   */
  private sharedEndpointPath(
    answer: PrivateAnswer,
    instanceGroups: Entity[],
    subnet: Entity,
    egress: Rule[],
    roleArn: string | undefined,
    ports: [number, number],
  ): { head: string; detail: string; assumption?: string } | { problem: string } {
    if ('missing' in answer) return { problem: answer.missing };
    if ('problem' in answer) return { problem: answer.problem };
    const zone = this.zones.label(answer.zone);
    if ('unknownTarget' in answer)
      return {
        head: `through the private hosted zone ${zone}`,
        detail: 'its target assumed',
        assumption: `assuming ${answer.unknownTarget.replace(/^the record/, 'the record')} is an endpoint of the service that admits the instance on 443 and routes to it both ways`,
      };
    const endpoint = answer.endpoint;
    const endpointVpc = this.vpcOf(endpoint);
    const vpc = this.vpcOf(subnet);
    const here = ipv4Range(String(subnet.values.cidr_block ?? ''));
    const links: { via?: Entity; detail?: string }[] = [];
    const problems: string[] = [];
    if (endpointVpc && vpc && endpointVpc.id !== vpc.id) {
      for (const endpointSubnet of this.model.targets(endpoint, 'subnet_ids')) {
        const there = ipv4Range(String(endpointSubnet.values.cidr_block ?? ''));
        const route = this.routeBetween(subnet, endpointSubnet, here, there);
        if ('problem' in route)
          problems.push(
            route.problem
              .replace(
                /^the instance is in (.*?) and the target in/,
                `the instance is in $1 and {endpoints'} subnet ${this.model.label(endpointSubnet)} in`,
              )
              .replace(/the target's/g, "{endpoints'}"),
          );
        else links.push({ via: this.routeFor(subnet, there).via, detail: route.detail });
      }
    }
    if (problems.length > 0) return { problem: [...new Set(problems)].join('; ') };
    const crossing = links.find((link) => link.via)?.via;
    const result = this.endpointPath(endpoint, instanceGroups, subnet, egress, roleArn, ports, crossing);
    if ('problem' in result) return result;
    const where = endpointVpc && vpc && endpointVpc.id !== vpc.id ? ` in ${this.model.label(endpointVpc)}` : '';
    const route = [...new Set(links.map((link) => link.detail))].join('; ');
    return {
      head: `${this.model.label(endpoint)}${where} (private hosted zone ${zone})`,
      detail: `${route ? `${route}; ` : ''}${result.detail}`,
      assumption: answer.assumption ? `assuming ${answer.assumption}` : undefined,
    };
  }

  /**
   * Why a security group reference does not work across the link between two VPCs (undefined
   * when it does): a VPC peering connection carries references both ways within one Region; a
   * transit gateway only in inbound rules, and only with security group referencing on for the
   * gateway (off by default) and not turned off on either attachment (Transit Gateways guide,
   * "Security group referencing").
   */
  private referenceFails(via: Entity | undefined, direction: 'inbound' | 'outbound'): string | undefined {
    if (!via) return undefined;
    const label = this.model.label(via);
    if (via.type === 'aws_vpc_peering_connection') {
      const peerRegion = via.values.peer_region;
      return typeof peerRegion === 'string' && peerRegion !== '' && peerRegion !== this.regionOfPeering(via)
        ? `a reference to a group across the inter-Region peering connection ${label} does not work`
        : undefined;
    }
    if (via.type !== 'aws_ec2_transit_gateway') return undefined;
    if (direction === 'outbound')
      return `across transit gateway ${label} a security group reference works only in inbound rules`;
    if (via.values.security_group_referencing_support !== 'enable')
      return `transit gateway ${label} has security group referencing off (security_group_referencing_support = "${String(via.values.security_group_referencing_support ?? 'disable')}", off by default), so a reference to a group across it does not work`;
    const off = this.model
      .pointingAt('aws_ec2_transit_gateway_vpc_attachment', 'transit_gateway_id', via)
      .find((attachment) => attachment.values.security_group_referencing_support === 'disable');
    return off
      ? `attachment ${this.model.label(off)} has security group referencing off, so a reference to a group across transit gateway ${label} does not work`
      : undefined;
  }

  /** The Region a peering connection is requested from: its VPC's subnets' zones, when known. */
  private regionOfPeering(peering: Entity): string | undefined {
    const vpc = this.model.target(peering, 'vpc_id');
    const subnet = vpc ? this.model.pointingAt('aws_subnet', 'vpc_id', vpc)[0] : undefined;
    return regionOfZone(subnet?.values.availability_zone);
  }

  /** The endpoint path for one service: what works (a description) or what stops it. */
  private endpointPath(
    endpoint: Entity,
    instanceGroups: Entity[],
    subnet: Entity,
    egress: Rule[],
    roleArn: string | undefined,
    ports: [number, number],
    crossing?: Entity,
  ): { detail: string } | { problem: string } {
    const service =
      String(endpoint.values.service_name ?? '')
        .split('.')
        .pop() ?? '';
    const refused = endpointPolicyRefuses(endpoint.values.policy, service, roleArn);
    if (refused.length > 0)
      return {
        problem: `{endpoints'} policy does not allow ${refused.join(', ')} (a request through an endpoint needs its policy's Allow too)`,
      };
    const endpointGroups = this.securityGroupsOf(endpoint, 'security_group_ids');
    const instanceIds = new Set(instanceGroups.map((group) => group.id));
    const subnetCidr = parseIpv4Cidr(String(subnet.values.cidr_block ?? ''));
    const inbound = this.rules('ingress', endpointGroups).filter((rule) => allowsTcp(rule, 443));
    const bySecurityGroup = inbound.find((rule) => rule.securityGroup && instanceIds.has(rule.securityGroup.id));
    const byRange =
      inbound.find((rule) => rule.cidr && subnetCidr && cidrContains(parseIpv4Cidr(rule.cidr)!, subnetCidr)) ??
      inbound.find(unknownList);
    const sgNames = endpointGroups.map((group) => this.model.label(group)).join(', ') || '(none)';
    const inboundFails = bySecurityGroup ? this.referenceFails(crossing, 'inbound') : undefined;
    if ((!bySecurityGroup || inboundFails) && !byRange) {
      return {
        problem: inboundFails
          ? `{endpoints'} security group ${sgNames} admits 443 from the instance only by a reference to its security group, and ${inboundFails} (a rule by the instance's range would)`
          : `{endpoints'} security group ${sgNames} allows no inbound 443 from the instance (neither from its security group nor from a range covering ${subnetCidr?.text ?? 'its subnet'})`,
      };
    }
    const endpointIds = new Set(endpointGroups.map((group) => group.id));
    const endpointSubnets = this.model.targets(endpoint, 'subnet_ids');
    const outToGroup = egress.find((rule) => rule.securityGroup && endpointIds.has(rule.securityGroup.id));
    const outToRange =
      egress.find(
        (rule) =>
          rule.cidr &&
          endpointSubnets.length > 0 &&
          endpointSubnets.every((endpointSubnet) => {
            const cidr = parseIpv4Cidr(String(endpointSubnet.values.cidr_block ?? ''));
            return cidr !== undefined && cidrContains(parseIpv4Cidr(rule.cidr!)!, cidr);
          }),
      ) ?? egress.find(unknownList);
    const outboundFails = outToGroup ? this.referenceFails(crossing, 'outbound') : undefined;
    if ((!outToGroup || outboundFails) && !outToRange)
      return {
        problem: outboundFails
          ? `the instance security groups send 443 to {endpoints} only by a reference to its security group ${sgNames}, and ${outboundFails} (a rule by the endpoint subnets' range would)`
          : `the instance security groups allow no 443 to {endpoints} (neither to its security group ${sgNames} nor to a range covering its subnets)`,
      };
    for (const endpointSubnet of endpointSubnets.filter((other) => other.id !== subnet.id)) {
      const there = ipv4Range(String(endpointSubnet.values.cidr_block ?? ''));
      const here = ipv4Range(String(subnet.values.cidr_block ?? ''));
      if (!there || !here) continue;
      const blocked = [
        this.acls.allowsTcp(subnet, 'out', [443, 443], [there]),
        this.acls.allowsTcp(subnet, 'in', ports, [there]),
        this.acls.allowsTcp(endpointSubnet, 'in', [443, 443], [here]),
        this.acls.allowsTcp(endpointSubnet, 'out', ports, [here]),
      ].find((verdict) => !verdict.allowed);
      if (blocked)
        return {
          problem: `between the instance and {endpoints} in ${this.model.label(endpointSubnet)}, ${blocked.why}`,
        };
    }
    const admitted =
      bySecurityGroup && !inboundFails
        ? 'endpoint SG allows 443 from the instance SG'
        : byRange!.cidr
          ? `endpoint SG allows 443 from ${byRange!.cidr}${byRange!.prefixList ? ` (an entry of prefix list ${byRange!.prefixList})` : ''} (covers the instance)`
          : `endpoint SG allows 443 from prefix list ${byRange!.prefixList} (its entries are not in the plans: assumed to hold the instance's address)`;
    const sent =
      outToGroup && !outboundFails
        ? 'instance SG allows 443 to it'
        : outToRange!.cidr
          ? `instance SG allows 443 to ${outToRange!.cidr}${outToRange!.prefixList ? ` (an entry of prefix list ${outToRange!.prefixList})` : ''} (covers the endpoint subnets)`
          : `instance SG allows 443 to prefix list ${outToRange!.prefixList} (its entries are not in the plans: assumed to hold the endpoint's addresses)`;
    return { detail: `${admitted}; ${sent}` };
  }

  /**
   * Default Host Management Configuration as the plans set it: an `aws_ssm_service_setting` of
   * {@link DEFAULT_HOST_MANAGEMENT_SETTING} naming a role that trusts ssm.amazonaws.com and allows
   * the agent's calls. Undefined when the plans hold no such setting (AWS's default: off).
   */
  private defaultHostManagement(): { detail: string; assumptions: string[] } | { problem: string } | undefined {
    const setting = this.model
      .all('aws_ssm_service_setting')
      .find((candidate) => String(candidate.values.setting_id ?? '').endsWith(DEFAULT_HOST_MANAGEMENT_SETTING));
    if (!setting) return undefined;
    const value = setting.values.setting_value;
    const named = typeof value === 'string' ? value.split('/').pop() : undefined;
    const role =
      this.model.targets(setting, 'setting_value').find((candidate) => candidate.type === 'aws_iam_role') ??
      this.model.all('aws_iam_role').find((candidate) => named !== undefined && candidate.values.name === named);
    const agent = `the SSM Agent is ${DEFAULT_HOST_MANAGEMENT_AGENT} or later, as Default Host Management requires (Amazon Linux 2023 ships a later one)`;
    if (!role)
      return {
        detail: `Default Host Management Configuration's role ${String(value ?? '(known only after apply)')} carries the agent (no usable instance profile)`,
        assumptions: [
          `assuming the role ${String(value ?? '(known only after apply)')} trusts ssm.amazonaws.com and allows the agent's calls (it is not in the plan)`,
          `assuming ${agent}`,
        ],
      };
    const verdict = judgeRole(this.model, role, 'ssm.amazonaws.com');
    if (!verdict.ok)
      return { problem: `Default Host Management Configuration's ${verdict.problem!.replace(/^the /, '')}` };
    return {
      detail: `Default Host Management Configuration's role ${this.model.label(role)} carries the agent (no usable instance profile)`,
      assumptions: [...(verdict.assumptions ?? []), `assuming ${agent}`],
    };
  }

  private internetPath(
    instance: Entity,
    subnet: Entity,
    egress: Rule[],
  ): { path: AccessPath; detail: string } | string {
    const toInternet = egress.some((rule) => rule.cidr !== undefined && coversPublicInternet(rule.cidr));
    const route = this.defaultRoute(subnet);
    // No internet or NAT gateway: 0.0.0.0/0 may still lead to a transit gateway (centralized egress) or a peering.
    const onward = route.kind ? undefined : this.routeFor(subnet, EVERY_ADDRESS).via;
    if (onward?.type === 'aws_vpc_peering_connection')
      return `${this.model.label(subnet)} sends 0.0.0.0/0 to peering connection ${this.model.label(onward)}, and VPC peering carries nothing on to the internet (no edge-to-edge routing through the peer's NAT or internet gateway)`;
    const transit = onward?.type === 'aws_ec2_transit_gateway' ? onward : undefined;
    if (!route.kind && route.through)
      return `${this.model.label(subnet)} sends 0.0.0.0/0 through ${this.model.label(route.through[0])}, and the firewall's subnet ${this.model.label(route.firewallSubnet)} has no default route to an internet or NAT gateway`;
    if (!route.kind && !transit) return `${this.model.label(subnet)} has no default route (0.0.0.0/0) to the internet`;
    if (!toInternet) return 'the instance SG allows 443 only to private destinations';
    const internet = PUBLIC_INTERNET;
    const ports = this.ephemeralOf(instance);
    const here = ipv4Range(String(subnet.values.cidr_block ?? ''));
    const aclProblem = [
      this.acls.allowsTcp(subnet, 'out', [443, 443], internet),
      this.acls.allowsTcp(subnet, 'in', ports, internet),
    ].find((v) => !v.allowed);
    if (aclProblem) return `in ${this.model.label(subnet)}, ${aclProblem.why}`;
    if (route.kind === 'internet-gateway') {
      if (!this.hasPublicAddress(instance))
        return `its subnet routes to an internet gateway but the instance has no public address`;
      const firewall = this.firewallAssumption(route, 443);
      return {
        path: 'internet-gateway',
        detail: `public address; 0.0.0.0/0 → internet gateway; 443 out${firewall ? `; ${firewall}` : ''}`,
      };
    }
    if (transit) return this.transitEgress(subnet, transit, here, ports);
    const nat = this.natEgress(route.gateway!, here, ports);
    if (typeof nat === 'string') return nat;
    const firewalls = [this.firewallAssumption(route, 443), nat.firewall].filter(Boolean);
    return {
      path: 'nat-gateway',
      detail: `0.0.0.0/0 → NAT gateway in ${this.model.label(nat.natSubnet)} → internet gateway; 443 out${firewalls.map((f) => `; ${f}`).join('')}`,
    };
  }

  /** A NAT gateway that takes traffic from `here` to the internet: its subnet, or why it does not. */
  private natEgress(
    nat: Entity,
    here: [number, number] | undefined,
    ports: [number, number],
  ): { natSubnet: Entity; firewall?: string } | string {
    if (nat.values.connectivity_type === 'private') return 'its NAT gateway is a private NAT gateway';
    const natSubnet = this.model.target(nat, 'subnet_id');
    const route = natSubnet ? this.defaultRoute(natSubnet) : undefined;
    if (!natSubnet || route?.kind !== 'internet-gateway') {
      return route?.through
        ? `the NAT gateway's subnet ${this.model.label(natSubnet)} sends 0.0.0.0/0 through ${this.model.label(route.through[0])}, and the firewall's subnet ${this.model.label(route.firewallSubnet)} has no default route to an internet gateway`
        : `the NAT gateway's subnet ${this.model.label(natSubnet)} has no route to an internet gateway`;
    }
    const firewall = this.firewallAssumption(route, 443);
    if (here) {
      const natProblem = [
        this.acls.allowsTcp(natSubnet, 'in', [443, 443], [here]),
        this.acls.allowsTcp(natSubnet, 'out', [443, 443], PUBLIC_INTERNET),
        this.acls.allowsTcp(natSubnet, 'in', NAT_PORTS, PUBLIC_INTERNET),
        this.acls.allowsTcp(natSubnet, 'out', ports, [here]),
      ].find((v) => !v.allowed);
      if (natProblem) return `in the NAT gateway's subnet ${this.model.label(natSubnet)}, ${natProblem.why}`;
    }
    return { natSubnet, firewall };
  }

  /**
   * Centralized egress through a transit gateway (the Transit Gateways guide's "centralized
   * outbound routing to the internet"): out by the VPC's attachment, the attachment's route table
   * to an egress VPC's attachment, that attachment's subnet to a NAT gateway, on to an internet
   * gateway; and back, the NAT gateway's subnet routing the instance's range to the transit
   * gateway, whose table for the egress attachment sends it to the instance's attachment. Every
   * link that is missing is named.
   */
  private transitEgress(
    subnet: Entity,
    tgw: Entity,
    here: [number, number] | undefined,
    ports: [number, number],
  ): { path: AccessPath; detail: string } | string {
    const label = (entity: Entity | undefined) => this.model.label(entity);
    const vpc = this.vpcOf(subnet)!;
    const sends = `${label(subnet)} sends 0.0.0.0/0 to transit gateway ${label(tgw)}`;
    const own = this.transit.attachmentOf(tgw, vpc);
    if (!own) return `${sends}, but ${label(vpc)} has no attachment to it`;
    const problems: string[] = [];
    const zone = this.transit.zoneProblem(own, subnet);
    if (zone) problems.push(zone);
    const table = this.transit.tableOf(own, tgw);
    if (!table)
      return [
        ...problems,
        `${sends}, but its attachment ${label(own)} is associated with no route table (default association off, no association)`,
      ].join('; ');
    const out = this.transit.route(tgw, table, EVERY_ADDRESS);
    if ('none' in out)
      return [...problems, `${sends}, whose ${table.label.replace(/^the /, '')} has no route to 0.0.0.0/0`].join('; ');
    if ('blackhole' in out)
      return [
        ...problems,
        `${sends}, whose ${table.label.replace(/^the /, '')} drops ${out.cidr} (a blackhole route)`,
      ].join('; ');
    const egressVpc = this.transit.vpcOfAttachment(out.attachment);
    const exit = this.transit.exitSubnet(out.attachment, subnet.values.availability_zone);
    const leaves = `${table.label} sends 0.0.0.0/0 to attachment ${label(out.attachment)} of ${label(egressVpc)}`;
    if (egressVpc?.id === vpc.id) return [...problems, `${leaves}: back into ${label(vpc)} itself`].join('; ');
    const onward = exit ? this.defaultRoute(exit) : {};
    if (onward.kind !== 'nat-gateway')
      return [
        ...problems,
        onward.kind === 'internet-gateway'
          ? `${leaves}, whose subnet ${label(exit)} routes it to an internet gateway, which does not translate ${label(vpc)}'s private addresses (a NAT gateway must)`
          : `${leaves}, whose subnet ${label(exit)} has no default route to a NAT gateway`,
      ].join('; ');
    const nat = this.natEgress(onward.gateway!, here, ports);
    if (typeof nat === 'string') return [...problems, nat].join('; ');
    // The way back: the NAT gateway's replies follow its own subnet's route table.
    const back = this.routeFor(nat.natSubnet, here);
    if (back.via?.id !== tgw.id)
      problems.push(
        `the NAT gateway's subnet ${label(nat.natSubnet)} has no route back to ${label(subnet)} (${String(subnet.values.cidr_block ?? '?')}) through ${label(tgw)}, so the replies are lost`,
      );
    const backTable = this.transit.tableOf(out.attachment, tgw);
    const returned = backTable && here ? this.transit.route(tgw, backTable, here) : undefined;
    if (backTable === undefined)
      problems.push(
        `the egress attachment ${label(out.attachment)} is associated with no route table, so the replies are lost`,
      );
    else if (returned && !('attachment' in returned && returned.attachment.id === own.id)) {
      const range = `${label(subnet)}'s range (${String(subnet.values.cidr_block ?? '?')})`;
      problems.push(
        'blackhole' in returned
          ? `the egress attachment's route table (${backTable.label}) drops ${range} (a blackhole route for ${returned.cidr}), so the replies are lost`
          : 'attachment' in returned
            ? `the egress attachment's route table (${backTable.label}) sends ${range} to ${label(returned.attachment)}, not to ${label(vpc)}'s attachment, so the replies are lost`
            : `the egress attachment's route table (${backTable.label}) has no route to ${range} (no propagation from ${label(vpc)}'s attachment, no static route), so the replies are lost`,
      );
    }
    if (problems.length > 0) return problems.join('; ');
    return {
      path: 'nat-gateway',
      detail: `0.0.0.0/0 → transit gateway ${label(tgw)} (${table.label}) → ${label(egressVpc)} → NAT gateway in ${label(nat.natSubnet)} → internet gateway, and back the same way; 443 out${[
        this.firewallAssumption(onward, 443),
        nat.firewall,
      ]
        .filter(Boolean)
        .map((f) => `; ${f}`)
        .join('')}`,
    };
  }
}

/** The Region of an Availability Zone's name (`us-east-1a` → `us-east-1`), when it is one. */
function regionOfZone(zone: unknown): string | undefined {
  return typeof zone === 'string' && /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/.test(zone) ? zone.slice(0, -1) : undefined;
}

/** Fills `{endpoints}` / `{endpoints'}` with the services' endpoints: "the ssm and ssmmessages endpoints'". */
function nameEndpoints(text: string, services: readonly string[]): string {
  const names = `the ${services.join(' and ')} endpoint${services.length > 1 ? 's' : ''}`;
  return text
    .replace(/\{endpoints'\}/g, services.length > 1 ? `${names}'` : `${names}'s`)
    .replace(/\{endpoints\}/g, names);
}

/** Linux's default ephemeral range (Amazon Linux 2023): the client ports replies come back to. */
export const EPHEMERAL_PORTS: [number, number] = [32768, 60999];
/** The IANA ephemeral range, which Windows and macOS use. */
const IANA_EPHEMERAL_PORTS: [number, number] = [49152, 65535];
/**
 * The ports an SSH client's replies come back to: the ephemeral ranges clients choose from (Linux
 * 32768-60999; macOS and Windows 49152-65535), together.
 */
const SSH_CLIENT_PORTS: [number, number] = [32768, 65535];
/** Every IPv4 address: the range only a default route (0.0.0.0/0) covers. */
const EVERY_ADDRESS: [number, number] = [0, 0xffffffff];
/** A NAT gateway's source ports towards the internet (AWS: 1024-65535). */
export const NAT_PORTS: [number, number] = [1024, 65535];

/** A rule naming a prefix list whose entries the plans do not show. */
function unknownList(rule: Rule): boolean {
  return rule.cidr === undefined && rule.prefixList !== undefined;
}

/** Whether an egress destination includes every public address (where the service endpoints are). */
function coversPublicInternet(cidr: string): boolean {
  const range = ipv4Range(cidr);
  return range !== undefined && PUBLIC_INTERNET.every(([a, b]) => range[0] <= a && b <= range[1]);
}

const PATH_NAMES: Record<AccessPath, string> = {
  'vpc-endpoints': 'VPC endpoints',
  'internet-gateway': 'internet gateway',
  'nat-gateway': 'NAT gateway',
  'instance-connect-endpoint': 'EC2 Instance Connect Endpoint',
};
