import path from 'node:path';
import type { Command } from 'commander';
import { CliError, UsageError } from '../../lib/errors.js';
import { examples, type Registrar } from '../command.js';
import type { Ctx } from '../context.js';
import type { SandboxApprovalJson, SandboxAttachJson } from '../json-types.js';

/**
 * The sandbox engineer's other actions, as subcommands of `support sandbox`: `attach` puts files
 * on a request (what `support download` fetches), `approval` asks customers to approve one (what
 * `support approvals` lists).
 */
export function registerAgentActions(sandbox: Command, r: Registrar, dataDir: (raw: string | undefined, ctx: Ctx) => string): void {
  const { t } = r;
  const data = (cmd: Command, ctx: Ctx) => dataDir((cmd.optsWithGlobals() as { data?: string }).data, ctx);

  sandbox
    .command('attach')
    .description(t('files.sandbox.attach.description'))
    .argument('<key>', t('sandbox.reply.arg.key'))
    .argument('<file...>', t('files.sandbox.attach.arg.files'))
    .option('--name <name>', t('files.sandbox.attach.opt.name'))
    .option('--comment <text>', t('files.sandbox.attach.opt.comment'))
    .option('--data <dir>', t('sandbox.opt.data'))
    .addHelpText('after', examples(t, ['support sandbox attach SUP-1 ./fix-index.sh --comment "Run this on each node."', 'support sandbox attach SUP-1 ./build/plugin.jar --name patched-plugin.jar']))
    .action(async (key: string, files: string[], o: { name?: string; comment?: string }, cmd: Command) => {
      const ctx = r.ctx(cmd);
      if (o.name !== undefined && files.length !== 1) throw new UsageError(t('files.sandbox.attach.err.name'));
      const [{ sandboxAgentAttach, SandboxNoRequestError }, { mimeTypeOf }] = await Promise.all([import('../../sandbox/index.js'), import('../../portal/mime.js')]);
      const dir = data(cmd, ctx);
      const list = files.map((f) => {
        const p = path.resolve(ctx.cwd, f);
        const name = o.name ?? path.basename(p);
        return { path: p, name, mimeType: mimeTypeOf(name) };
      });
      let ids: string[];
      try {
        ids = await sandboxAgentAttach(dir, key, list, o.comment ?? '', ctx.clock);
      } catch (err) {
        if (err instanceof SandboxNoRequestError) throw new CliError(t('sandbox.err.noRequest', key, dir));
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(t('files.sandbox.attach.err.file', (err as NodeJS.ErrnoException).path ?? ''));
        throw err;
      }
      const k = key.toUpperCase();
      const attachments = ids.map((id, i) => ({ id, filename: list[i]!.name }));
      if (ctx.globals.json) ctx.output.json({ key: k, attachments } satisfies SandboxAttachJson);
      else ctx.io.out(t('files.sandbox.out.attached', k, attachments.map((a) => `${a.filename} (${a.id})`).join(', ')));
    });

  sandbox
    .command('approval')
    .description(t('files.sandbox.approval.description'))
    .argument('<key>', t('sandbox.reply.arg.key'))
    .option('--approver <email>', t('files.sandbox.approval.opt.approver'), (v: string, acc: string[] = []) => [...acc, v])
    .option('--name <text>', t('files.sandbox.approval.opt.name'))
    .option('--data <dir>', t('sandbox.opt.data'))
    .addHelpText('after', examples(t, ['support sandbox approval SUP-1', 'support sandbox approval SUP-1 --approver colleague --name "Licence upgrade"']))
    .action(async (key: string, o: { approver?: string[]; name?: string }, cmd: Command) => {
      const ctx = r.ctx(cmd);
      const { sandboxAskApproval, SandboxNoRequestError, SandboxNoCustomerError } = await import('../../sandbox/index.js');
      const dir = data(cmd, ctx);
      let id: string;
      try {
        id = await sandboxAskApproval(dir, key, o.approver ?? ['you@sandbox.invalid'], o.name ?? t('files.sandbox.approval.defaultName'), ctx.clock);
      } catch (err) {
        if (err instanceof SandboxNoRequestError) throw new CliError(t('sandbox.err.noRequest', key, dir));
        if (err instanceof SandboxNoCustomerError) throw new UsageError(t('files.sandbox.approval.err.customer', err.who));
        throw err;
      }
      const k = key.toUpperCase();
      if (ctx.globals.json) ctx.output.json({ key: k, approvalId: id } satisfies SandboxApprovalJson);
      else ctx.io.out(t('files.sandbox.out.approval', k, id));
    });
}
