/** Every route of the sandbox portal, by resource. */
import type { RouteDef } from '../router.js';
import { attachmentRoutes } from './attachments.js';
import { commentRoutes } from './comments.js';
import { deskRoutes } from './desks.js';
import { infoRoutes } from './info.js';
import { participantRoutes } from './participants.js';
import { portalPageRoutes } from './portal-page.js';
import { requestRoutes } from './requests.js';
import { transitionRoutes } from './transitions.js';
import { userRoutes } from './users.js';
import { knowledgebaseRoutes } from './knowledgebase.js';
import { organizationRoutes } from './organizations.js';
import { feedbackRoutes } from './feedback.js';
import { notificationRoutes } from './notification.js';
import { approvalRoutes } from './approvals.js';

export const ROUTES: readonly RouteDef[] = [
  ...infoRoutes,
  ...userRoutes,
  ...deskRoutes,
  ...requestRoutes,
  ...commentRoutes,
  ...attachmentRoutes,
  ...transitionRoutes,
  ...participantRoutes,
  ...portalPageRoutes,
  ...knowledgebaseRoutes,
  ...organizationRoutes,
  ...feedbackRoutes,
  ...notificationRoutes,
  ...approvalRoutes,
];
