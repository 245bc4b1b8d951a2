import { hostname, arch, type as osType } from 'node:os';
import type { Attributes } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { SDK_INFO } from '@opentelemetry/core';
import type { ResolvedConfig } from './config.js';

const HOST_ARCH: Record<string, string> = { x64: 'amd64', ia32: 'x86', arm64: 'arm64', arm: 'arm32', ppc64: 'ppc64', s390x: 's390x' };

/**
 * The resource every span carries: service.*, deployment.environment.name, telemetry.sdk.*,
 * and process/host basics. Built synchronously from values we know, not from the SDK's async
 * detectors: the process detector also records command-line arguments, which often hold secrets.
 */
export function buildResource(config: ResolvedConfig): Resource {
  const attributes: Attributes = {
    ...SDK_INFO,
    'telemetry.distro.name': 'tracewise',
    'process.pid': process.pid,
    'process.runtime.version': process.versions.node,
    'process.runtime.description': 'Node.js',
    'process.executable.name': process.title,
    'host.name': hostname(),
    'host.arch': HOST_ARCH[arch()] ?? arch(),
    'os.type': osType().toLowerCase(),
    ...config.resourceAttributes,
    'service.name': config.serviceName,
  };
  if (config.serviceVersion !== undefined) attributes['service.version'] = config.serviceVersion;
  if (config.environment !== undefined) attributes['deployment.environment.name'] = config.environment;
  return resourceFromAttributes(attributes);
}
