import { ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { emptyErrors, toFormErrors, type FormErrors } from './lib/errors'

/** Runs a mutation for a form and keeps its errors, by field, in the user's language. */
export function useSubmit(known: string[] = []) {
  const { t, te } = useI18n()
  const errors = ref<FormErrors>(emptyErrors())
  const busy = ref(false)
  const done = ref(false)
  async function run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    busy.value = true
    done.value = false
    errors.value = emptyErrors()
    try {
      const r = await fn()
      done.value = true
      return r
    } catch (e) {
      errors.value = toFormErrors(e, t, te, known)
      return undefined
    } finally {
      busy.value = false
    }
  }
  function setField(field: string, message: string) {
    errors.value = { ...errors.value, fields: { ...errors.value.fields, [field]: message } }
  }
  return { errors, busy, done, run, setField }
}
