// Installed in every frame before any page script runs: reports each write that stores
// something on the visitor's device, with the writer's stack, through the audit's binding.
// Only the API calls are wrapped; what they do is unchanged.
(() => {
  const report = globalThis.__cookieLedgerWrite;
  const tell = (kind, value) => {
    try {
      report(JSON.stringify({
        kind,
        value: String(value),
        origin: String(location.origin),
        stack: String(new Error().stack),
      }));
    } catch (e) {}
  };
  const d = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  if (d && d.set) {
    Object.defineProperty(Document.prototype, "cookie", {
      configurable: true,
      enumerable: d.enumerable,
      get() { return d.get.call(this); },
      set(v) { tell("cookie", v); return d.set.call(this, v); },
    });
  }
  // cookieStore.set(name, value) or cookieStore.set({ name, value, expires }), said as the
  // cookie text it stands for.
  if (typeof CookieStore !== "undefined" && CookieStore.prototype.set) {
    const set = CookieStore.prototype.set;
    CookieStore.prototype.set = function (a, b) {
      try {
        const o = typeof a === "object" && a !== null ? a : { name: a, value: b };
        let text = String(o.name) + "=" + String(o.value);
        if (o.expires != null) text += "; expires=" + new Date(o.expires).toUTCString();
        tell("cookie", text);
      } catch (e) {}
      return set.apply(this, arguments);
    };
  }
  // Web storage by its key, IndexedDB databases and caches by name.
  const wrap = (proto, method, kindOf) => {
    if (!proto || typeof proto[method] !== "function") return;
    const original = proto[method];
    proto[method] = function (name) {
      try {
        const kind = kindOf(this);
        if (kind) tell(kind, name);
      } catch (e) {}
      return original.apply(this, arguments);
    };
  };
  if (typeof Storage !== "undefined") {
    wrap(Storage.prototype, "setItem", (s) => {
      try {
        if (s === globalThis.localStorage) return "local-storage";
        if (s === globalThis.sessionStorage) return "session-storage";
      } catch (e) {}
      return null;
    });
  }
  if (typeof IDBFactory !== "undefined") wrap(IDBFactory.prototype, "open", () => "indexeddb");
  if (typeof CacheStorage !== "undefined") wrap(CacheStorage.prototype, "open", () => "cache-storage");
})();
