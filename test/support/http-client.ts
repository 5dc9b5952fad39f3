/** A small JSON client for e2e tests: real HTTP over fetch, bearer key per call. */
export interface JsonResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export function httpClient(baseUrl: string) {
  async function call<T>(
    method: string,
    path: string,
    key: string | null,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<JsonResponse<T>> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : null) as T,
    };
  }
  return {
    get: <T = Record<string, unknown>>(
      path: string,
      key: string | null,
      headers?: Record<string, string>,
    ) => call<T>('GET', path, key, undefined, headers),
    post: <T = Record<string, unknown>>(
      path: string,
      key: string | null,
      body: unknown,
      headers?: Record<string, string>,
    ) => call<T>('POST', path, key, body, headers),
    delete: <T = Record<string, unknown>>(path: string, key: string | null) =>
      call<T>('DELETE', path, key),
  };
}
