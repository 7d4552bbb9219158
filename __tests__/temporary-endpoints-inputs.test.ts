import { Construct } from 'constructs';
import { ALL_SESSION_MANAGER_SERVICES, REQUIRED_SESSION_MANAGER_SERVICES } from '../lib/endpoint-services';
import {
  EndpointsVariable,
  TemporaryEndpointsInputs,
  TTL_MAX_MINUTES,
  ttlMinutesHcl,
} from '../lib/temporary-endpoints-inputs';
import { synthConstruct } from './helpers/synth';

describe('TemporaryEndpointsInputs', () => {
  // Nested one level deeper than in the stack: the --var names must not change with the tree.
  const json = synthConstruct((scope) => new TemporaryEndpointsInputs(new Construct(scope, 'nested'), 'inputs'));

  test('GIVEN a nested construct WHEN synthesized THEN every variable keeps its contract name', () => {
    expect(Object.keys(json.variable ?? {}).sort()).toEqual(Object.values(EndpointsVariable).sort());
    for (const variable of Object.values(json.variable ?? {})) expect(variable.nullable).toBe(false);
  });

  test('GIVEN the services variable WHEN synthesized THEN its validation names every required service', () => {
    const services = json.variable!.services;
    for (const service of REQUIRED_SESSION_MANAGER_SERVICES) {
      expect(services.validation?.[0].condition).toContain(`contains(var.services, "${service}")`);
    }
    expect(services.validation?.[0].error_message).toContain(ALL_SESSION_MANAGER_SERVICES.join(', '));
  });

  test('GIVEN the ttl WHEN its minutes are computed THEN the same HCL serves the validation', () => {
    expect(json.variable!.ttl.validation?.[0].condition).toContain(`${ttlMinutesHcl('var.ttl')} <= ${TTL_MAX_MINUTES}`);
  });
});
