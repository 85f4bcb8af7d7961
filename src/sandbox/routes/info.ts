/** `GET /info`: the portal's version, answered without credentials. */
import type { SoftwareInfoDTO } from '../../portal/types.js';
import * as dto from '../dto.js';
import { API } from '../dto.js';
import type { RouteDef } from '../router.js';

export const infoRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: `${API}/info`,
    anonymous: true,
    handler: async (c) => {
      const body: SoftwareInfoDTO = {
        version: '1001.0.0-SANDBOX',
        platformVersion: '1001.0.0-SANDBOX',
        buildDate: dto.date(Date.parse('2026-01-01T00:00:00Z')),
        buildChangeSet: 'support-sandbox',
        isLicensedForUse: true,
        _links: { self: `${c.view.url}${API}/info` },
      };
      return { status: 200, body };
    },
  },
];
