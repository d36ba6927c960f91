// The signed-in session: a bearer token in localStorage and the account it belongs to.
import { computed, ref } from 'vue'

export interface SessionAccount {
  id: string
  displayName: string
  role: 'RESIDENT' | 'UNIT_STAFF' | 'ADMIN'
  unit?: { id: string; name: string } | null
}

const TOKEN_KEY = 'canyu.token'
const ACCOUNT_KEY = 'canyu.account'

function load<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key)
    return raw ? (JSON.parse(raw) as T) : null
  } catch {
    return null
  }
}

const token = ref<string | null>(load<string>(TOKEN_KEY))
const account = ref<SessionAccount | null>(load<SessionAccount>(ACCOUNT_KEY))

export const auth = {
  token,
  account,
  signedIn: computed(() => !!token.value),
  isStaff: computed(() => account.value?.role === 'UNIT_STAFF' || account.value?.role === 'ADMIN'),
  isAdmin: computed(() => account.value?.role === 'ADMIN'),
  signIn(t: string, a: SessionAccount) {
    token.value = t
    account.value = a
    localStorage.setItem(TOKEN_KEY, JSON.stringify(t))
    localStorage.setItem(ACCOUNT_KEY, JSON.stringify(a))
  },
  signOut() {
    token.value = null
    account.value = null
    localStorage.removeItem(TOKEN_KEY)
    localStorage.removeItem(ACCOUNT_KEY)
  },
}
