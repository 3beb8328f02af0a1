import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, ApiError, type Session, type UserView } from '../api';

export type Role = 'city_regulator' | 'district_regulator' | 'enterprise_admin' | 'filling_operator' | 'delivery_worker' | 'auditor';
export type Permissions = Record<string, readonly string[]>;

interface Me extends UserView {
  permissions: Permissions;
}

/**
 * Who is logged in. `status` is 'unknown' until the first restore (a reload asks the refresh
 * cookie), then 'anonymous' or 'authenticated'. The access token lives in the API client only.
 */
export const useSessionStore = defineStore('session', () => {
  const status = ref<'unknown' | 'anonymous' | 'authenticated'>('unknown');
  const user = ref<UserView | undefined>();
  const permissions = ref<Permissions>({});
  const mustChangePassword = ref(false);

  const role = computed(() => user.value?.role as Role | undefined);
  const isRegulator = computed(() => role.value === 'city_regulator' || role.value === 'district_regulator');
  const can = (resource: string, action: string) => permissions.value[resource]?.includes(action) ?? false;

  async function adopt(session: Session | undefined): Promise<void> {
    if (!session) {
      clear();
      return;
    }
    mustChangePassword.value = session.mustChangePassword;
    user.value = session.user;
    // What the role may do comes from the platform's permission table (auth/me), never a copy here.
    const me = await api().get<Me>('/api/v1/auth/me');
    user.value = me;
    permissions.value = me.permissions;
    status.value = 'authenticated';
  }

  function clear(): void {
    status.value = 'anonymous';
    user.value = undefined;
    permissions.value = {};
    mustChangePassword.value = false;
  }

  /** Once per page load: the session the refresh cookie holds, if any. */
  async function restore(): Promise<void> {
    if (status.value !== 'unknown') return;
    try {
      await adopt(await api().restore());
    } catch {
      clear();
    }
  }

  async function login(username: string, password: string): Promise<void> {
    await adopt(await api().login(username, password));
  }

  async function logout(): Promise<void> {
    try {
      await api().logout();
    } finally {
      clear();
    }
  }

  /** Changes the password, then refreshes: the new tokens carry no pending-change restriction. */
  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await api().post('/api/v1/auth/password', { currentPassword, newPassword });
    const session = await api().refresh();
    if (!session) throw new ApiError(401, { title: 'Unauthorized', status: 401, code: 'SESSION_REVOKED' });
    await adopt(session);
  }

  /** The API client ended the session (a refresh refused): back to anonymous. */
  function ended(): void {
    if (status.value === 'authenticated') clear();
  }

  return { status, user, permissions, mustChangePassword, role, isRegulator, can, restore, login, logout, changePassword, ended };
});
