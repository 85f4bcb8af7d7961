/**
 * `GET /info`: the portal's version, answered without credentials. Cloud reports `1001.0.0-…`
 * builds; Data Center its release (JSM and Jira Data Center share version numbers since 10.0).
 */
import type { SoftwareInfoDTO } from '../../portal/types.js';
import * as dto from '../dto.js';
import { API } from '../dto.js';
import type { RouteDef } from '../router.js';

/** The Data Center release the `dc` flavor imitates (a Long Term Support release). */
export const DC_VERSION = '10.3.4';

export const infoRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: `${API}/info`,
    anonymous: true,
    handler: async (c) => {
      const version = c.sandbox.flavor === 'dc' ? DC_VERSION : '1001.0.0-SANDBOX';
      const body: SoftwareInfoDTO = {
        version,
        platformVersion: version,
        buildDate: dto.date(Date.parse('2026-01-01T00:00:00Z')),
        buildChangeSet: 'support-sandbox',
        isLicensedForUse: true,
        _links: { self: `${c.view.url}${API}/info` },
      };
      return { status: 200, body };
    },
  },
];
