import { AppError, type FieldError } from '../../shared/errors/app.error';
import type { Page, PageCursors } from '../../shared/http/page.cursor';
import { AUTHORITY_RANK, type Role } from './auth.permissions';
import { authorize, refuseWiderFilter, scopeFilter, type Principal } from './auth.principal';
import { authErrors } from './auth.errors';
import type { UserView } from './auth.schemas';
import type { ActiveAccountCheck } from './active-account.check';
import type { LoginThrottle } from './login.throttle';
import { accountSnapshot, type AccountAudit } from './account.audit';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import type { PasswordHasher } from './password.hasher';
import { passwordProblems } from './password.policy';
import type { AccountRegistryLookups } from './auth.ports';
import type { SessionRepository } from './session.repository';
import type { NewUser, UserChange, UserRecord, UserRepository } from './user.repository';
import type { CreateUserBody, ListUsersQuery, UpdateUserBody } from './users.schemas';
import { toUserView } from './user.view';

export interface UsersServiceDeps {
  users: UserRepository;
  sessions: SessionRepository;
  hasher: PasswordHasher;
  activeCheck: ActiveAccountCheck;
  /** An administrator's unlock also restarts the account's login-failure ceiling. */
  throttle: Pick<LoginThrottle, 'clearAccount'>;
  registry: Partial<AccountRegistryLookups>;
  /** Every account change is written to the audit trail in the change's own transaction. */
  audit: AccountAudit;
  transaction: UnitOfWork;
  cursors: PageCursors;
  now: () => Date;
}

/** In _id order; the cursor is the last user's id. */
const LISTING = { name: 'users', sort: '_id', direction: 1 } as const;

/** Roles an enterprise administrator may hand out, always within its own enterprise. */
const ENTERPRISE_ROLES: readonly Role[] = ['enterprise_admin', 'filling_operator', 'delivery_worker'];
const WORKER_ROLES: readonly Role[] = ['filling_operator', 'delivery_worker'];

type Affiliation = Pick<NewUser, 'enterpriseId' | 'districtCode' | 'workerId'>;

export type UsersService = ReturnType<typeof createUsersService>;

export function createUsersService(deps: UsersServiceDeps) {
  const { users, sessions, hasher, activeCheck, throttle, registry, transaction, audit } = deps;

  /** Which enterprise, district and worker the new account belongs to; every rule in one place. */
  async function affiliationOf(principal: Principal, body: CreateUserBody): Promise<Affiliation> {
    let enterpriseId = body.enterpriseId;
    let districtCode = body.districtCode;
    if (principal.role === 'enterprise_admin') {
      if (!ENTERPRISE_ROLES.includes(body.role)) throw AppError.forbidden(`An enterprise administrator may not create a ${body.role}`);
      if (enterpriseId && enterpriseId !== principal.enterpriseId) throw AppError.forbidden('An enterprise administrator may create users of its own enterprise only');
      enterpriseId = principal.enterpriseId;
      if (districtCode) throw AppError.validation([{ path: 'districtCode', message: "is the enterprise's district and may not be given" }]);
      districtCode = (await users.findById(principal.userId))?.districtCode;
    }
    const errors = shapeErrors(body.role, { enterpriseId, districtCode: body.districtCode, workerId: body.workerId });
    if (errors.length > 0) throw AppError.validation(errors);
    if (enterpriseId && registry.enterpriseDistrict) {
      const district = await registry.enterpriseDistrict(enterpriseId);
      if (!district) throw AppError.validation([{ path: 'enterpriseId', message: 'no such enterprise' }]);
      if (body.districtCode && body.districtCode !== district) throw AppError.validation([{ path: 'districtCode', message: "must be the enterprise's district" }]);
      districtCode = district;
    }
    if (body.role === 'district_regulator' && districtCode && registry.districtExists && !(await registry.districtExists(districtCode))) {
      throw AppError.validation([{ path: 'districtCode', message: 'no such district' }]);
    }
    if (body.workerId && registry.workerEmployer && (await registry.workerEmployer(body.workerId)) !== enterpriseId) {
      throw AppError.validation([{ path: 'workerId', message: 'no such worker in this enterprise' }]);
    }
    return {
      ...(enterpriseId ? { enterpriseId } : {}),
      ...(districtCode ? { districtCode } : {}),
      ...(body.workerId ? { workerId: body.workerId } : {}),
    };
  }

  /** A deactivation stands until someone of its author's rank or higher lifts it. */
  function checkMayReactivate(principal: Principal, target: UserRecord): void {
    const by = target.deactivatedBy;
    if (by && AUTHORITY_RANK[principal.role] < AUTHORITY_RANK[by.role]) throw authErrors.deactivatedByHigherAuthority(by.role);
  }

  function checkPassword(password: string, username: string): void {
    const problems = passwordProblems(password, username);
    if (problems.length > 0) throw authErrors.weakPassword(problems);
  }

  return {
    async create(principal: Principal, body: CreateUserBody): Promise<UserView> {
      authorize(principal, 'users', 'create');
      const affiliation = await affiliationOf(principal, body);
      checkPassword(body.password, body.username);
      if (await users.findByUsername(body.username)) throw authErrors.usernameTaken();
      const passwordHash = await hasher.hash(body.password);
      const now = deps.now();
      try {
        const user = await transaction(async (session) => {
          const created = await users.insert(
            { username: body.username, displayName: body.displayName, role: body.role, passwordHash, createdBy: principal.userId, ...affiliation },
            now,
            session,
          );
          await audit.record({ actor: principal, action: 'create', resource: 'users', recordId: created.id, before: null, after: accountSnapshot(created, now) }, session);
          return created;
        });
        return toUserView(user, now);
      } catch (err) {
        // Two creations of the same name raced past the check above.
        if ((err as { code?: unknown }).code === 11000) throw authErrors.usernameTaken();
        throw err;
      }
    },

    async get(principal: Principal, id: string): Promise<UserView> {
      authorize(principal, 'users', 'read');
      const user = await users.findInScope(id, scopeFilter(principal, 'users'));
      if (!user) throw authErrors.userNotFound();
      return toUserView(user, deps.now());
    },

    async list(principal: Principal, query: ListUsersQuery): Promise<Page<UserView>> {
      authorize(principal, 'users', 'read');
      refuseWiderFilter(principal, { district: query.districtCode, enterpriseId: query.enterpriseId });
      const afterId = query.cursor ? String(deps.cursors.decode(LISTING, query.cursor).value) : undefined;
      const page = await users.list(
        scopeFilter(principal, 'users'),
        {
          ...(query.role ? { role: query.role } : {}),
          ...(query.enterpriseId ? { enterpriseId: query.enterpriseId } : {}),
          ...(query.districtCode ? { districtCode: query.districtCode } : {}),
          ...(query.active !== undefined ? { active: query.active } : {}),
          ...(afterId ? { afterId } : {}),
        },
        query.limit + 1,
      );
      const { items, nextCursor } = deps.cursors.page(page, query.limit, LISTING, (u) => ({ value: u.id }));
      const now = deps.now();
      return { items: items.map((u) => toUserView(u, now)), nextCursor };
    },

    async update(principal: Principal, id: string, body: UpdateUserBody): Promise<UserView> {
      authorize(principal, 'users', 'update');
      const scope = scopeFilter(principal, 'users');
      const target = await users.findInScope(id, scope);
      if (!target) throw authErrors.userNotFound();
      if (body.password !== undefined && id === principal.userId) throw authErrors.ownPasswordNeedsCurrent();
      const now = deps.now();
      const set: UserChange = {};
      if (body.displayName !== undefined) set.displayName = body.displayName;
      if (body.active) {
        if (!target.active) checkMayReactivate(principal, target);
        Object.assign(set, { active: true, deactivatedBy: null });
      }
      if (body.locked === false) Object.assign(set, { lockedUntil: null, failedLoginCount: 0 });
      if (body.password !== undefined) {
        checkPassword(body.password, target.username);
        // Whoever set it knows it: the owner must replace it before the account can do anything else.
        Object.assign(set, { passwordHash: await hasher.hash(body.password), passwordChangedAt: now, failedLoginCount: 0, mustChangePassword: true });
      }
      const updated = await transaction(async (session) => {
        const after = await users.update(id, scope, set, session);
        if (after) await audit.record({ actor: principal, action: 'update', resource: 'users', recordId: id, before: accountSnapshot(target, now), after: accountSnapshot(after, now) }, session);
        return after;
      });
      if (!updated) throw authErrors.userNotFound();
      // A password set by someone else ends every session the old password opened.
      if (body.password !== undefined) await sessions.revokeUserSessions(id, 'password_change', now);
      if (body.locked === false) await throttle.clearAccount(target.username);
      activeCheck.forgetUser(id);
      return toUserView(updated, now);
    },

    async deactivate(principal: Principal, id: string): Promise<UserView> {
      authorize(principal, 'users', 'deactivate');
      if (id === principal.userId) throw new AppError('CANNOT_DEACTIVATE_SELF', 409, 'Conflict', { detail: 'You may not deactivate your own account' });
      const scope = scopeFilter(principal, 'users');
      const target = await users.findInScope(id, scope);
      if (!target) throw authErrors.userNotFound();
      const now = deps.now();
      // Deactivating again keeps the higher authority's record, or a lower one could then lift it.
      const by = target.deactivatedBy && AUTHORITY_RANK[target.deactivatedBy.role] >= AUTHORITY_RANK[principal.role] ? target.deactivatedBy : { userId: principal.userId, role: principal.role };
      const updated = await transaction(async (session) => {
        const after = await users.update(id, scope, { active: false, deactivatedBy: by }, session);
        if (after) await audit.record({ actor: principal, action: 'deactivate', resource: 'users', recordId: id, before: accountSnapshot(target, now), after: accountSnapshot(after, now) }, session);
        return after;
      });
      if (!updated) throw authErrors.userNotFound();
      await sessions.revokeUserSessions(id, 'deactivated', now);
      activeCheck.forgetUser(id);
      return toUserView(updated, now);
    },
  };
}

// Which of enterpriseId / districtCode / workerId each role must and must not have.
function shapeErrors(role: Role, given: Affiliation): FieldError[] {
  const needs = {
    enterpriseId: ENTERPRISE_ROLES.includes(role),
    districtCode: role === 'district_regulator',
    workerId: WORKER_ROLES.includes(role),
  };
  const errors: FieldError[] = [];
  for (const field of ['enterpriseId', 'workerId'] as const) {
    if (needs[field] && !given[field]) errors.push({ path: field, message: `is required for a ${role}` });
    if (!needs[field] && given[field]) errors.push({ path: field, message: `must not be given for a ${role}` });
  }
  // Enterprise users may name their district when the registry cannot tell it; regulators of the city may not.
  if (needs.districtCode && !given.districtCode) errors.push({ path: 'districtCode', message: `is required for a ${role}` });
  if (!needs.districtCode && !needs.enterpriseId && given.districtCode) errors.push({ path: 'districtCode', message: `must not be given for a ${role}` });
  return errors;
}
