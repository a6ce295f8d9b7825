// common.js: what both pages share. The token lives in this script's
// memory only (never a URL, a log or storage); every request goes to the
// gateway's GraphQL endpoint; an API error is shown by its code's meaning.
"use strict";

const CG = (() => {
  const config = JSON.parse(document.getElementById("consentgate-config").textContent);
  let token = "";
  let lang = (navigator.language || "en").startsWith("ja") ? "ja" : "en";
  const dict = { en: {}, ja: {} };

  // Labels: en and ja, added by each page; t(key) falls back to English,
  // then to the key itself (an enum value, say).
  function add(labels) {
    for (const l of ["en", "ja"]) Object.assign(dict[l], labels[l]);
  }
  function t(key) {
    return dict[lang][key] ?? dict.en[key] ?? key;
  }
  function translate() {
    document.documentElement.lang = lang;
    for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    for (const el of document.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  }

  add({
    en: {
      language: "Language", token: "Access token", useToken: "Use token", forget: "Forget token",
      tokenHelp: "Paste your access token. It stays in this page and is sent to this gateway only.",
      loading: "Loading…", noToken: "No token yet.", none: "None.", error: "Error",
      UNAUTHENTICATED: "The token is invalid or expired: paste a valid one.",
      FORBIDDEN: "This account may not do this.",
      NOT_FOUND: "Not found, or not reachable by this account.",
      BAD_USER_INPUT: "The input breaks a rule:",
      CONFLICT: "Someone changed the same data at the same time, or it is already done:",
      RATE_LIMITED: "Too many requests: wait a moment and retry.",
      TIMEOUT: "The gateway took too long: retry.",
      UNAVAILABLE: "The service is unavailable: retry later.",
      AUDIT_UNAVAILABLE: "The access records could not be written, so nothing was shown: retry later.",
      INTERNAL: "An unexpected error. Quote this request id when reporting it:",
      NETWORK: "The gateway could not be reached.",
      confirm: "Confirm", cancel: "Cancel",
    },
    ja: {
      language: "言語", token: "アクセストークン", useToken: "トークンを使う", forget: "トークンを消去",
      tokenHelp: "アクセストークンを貼り付けてください。このページの中にだけ保持され、このゲートウェイにだけ送信されます。",
      loading: "読み込み中…", noToken: "トークンがまだありません。", none: "ありません。", error: "エラー",
      UNAUTHENTICATED: "トークンが無効か期限切れです。有効なトークンを貼り付けてください。",
      FORBIDDEN: "このアカウントにはこの操作が許可されていません。",
      NOT_FOUND: "見つからないか、このアカウントからは参照できません。",
      BAD_USER_INPUT: "入力が規則に反しています:",
      CONFLICT: "同じデータが同時に変更されたか、すでに処理済みです:",
      RATE_LIMITED: "リクエストが多すぎます。少し待ってから再試行してください。",
      TIMEOUT: "ゲートウェイの応答に時間がかかりすぎました。再試行してください。",
      UNAVAILABLE: "サービスを利用できません。後でもう一度お試しください。",
      AUDIT_UNAVAILABLE: "アクセス記録を書き込めなかったため、何も表示されませんでした。後でもう一度お試しください。",
      INTERNAL: "予期しないエラーです。報告の際はこのリクエストIDをお伝えください:",
      NETWORK: "ゲートウェイに接続できません。",
      confirm: "実行する", cancel: "キャンセル",
    },
  });

  // ApiError carries what the page shows: the code's meaning, and the
  // message where it names a rule (never a value: the API never echoes one).
  class ApiError extends Error {
    constructor(code, detail) {
      super(code);
      this.code = code;
      this.detail = detail || "";
    }
    text() {
      const meaning = t(this.code) === this.code ? t("error") + " " + this.code + "." : t(this.code); // a code this page does not expect
      return meaning + (this.detail ? " " + this.detail : "");
    }
  }

  // gql runs one operation with the token and returns its data; an error
  // (HTTP or GraphQL) is thrown as an ApiError.
  async function gql(query, variables) {
    let res;
    try {
      res = await fetch(config.endpoint, {
        method: "POST",
        headers: Object.assign({ "Content-Type": "application/json" }, token ? { Authorization: "Bearer " + token } : {}),
        body: JSON.stringify({ query, variables: variables || {} }),
        credentials: "omit",
        cache: "no-store",
        referrerPolicy: "no-referrer",
      });
    } catch (e) {
      throw new ApiError("NETWORK");
    }
    let body;
    try {
      body = await res.json();
    } catch (e) {
      throw new ApiError("INTERNAL", String(res.status));
    }
    if (body.errors && body.errors.length) {
      const ext = body.errors[0].extensions || {};
      const code = ext.code || "INTERNAL";
      const detail = ["BAD_USER_INPUT", "CONFLICT"].includes(code) ? body.errors[0].message
        : code === "INTERNAL" ? ext.requestId : "";
      throw new ApiError(code, detail);
    }
    return body.data;
  }

  // el builds an element: el("td", {class: "x"}, "text", child, …).
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (v === true) e.setAttribute(k, "");
      else if (v !== false && v != null) e.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c != null) e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }

  // show puts an error's meaning, or nodes, into a section's output.
  function showError(target, err) {
    target.replaceChildren(el("p", { class: "error", role: "alert" }, err instanceof ApiError ? err.text() : t("INTERNAL")));
  }

  // confirm shows, in target, what an action will do, and runs it only
  // when the user confirms; it returns the action's promise, or null.
  function confirm(target, what, action) {
    return new Promise((resolve) => {
      const done = (run) => () => {
        box.remove();
        resolve(run ? action() : null);
      };
      const box = el("div", { class: "confirm", role: "alertdialog", "aria-label": t("confirm") },
        el("p", { class: "confirm-what" }, what),
        el("button", { type: "button", class: "confirm-yes", onclick: done(true) }, t("confirm")), " ",
        el("button", { type: "button", class: "secondary confirm-no", onclick: done(false) }, t("cancel")));
      target.replaceChildren(box);
      box.querySelector(".confirm-yes").focus();
    });
  }

  function when(iso) {
    return iso ? new Date(iso).toLocaleString(lang === "ja" ? "ja-JP" : "en-GB") : "—";
  }

  // start wires the language switch and the token form, takes a demo
  // token from the fragment (and removes it from the address bar), and
  // calls onToken with each token set.
  function start(onToken) {
    const langSelect = document.getElementById("lang");
    langSelect.value = lang;
    langSelect.addEventListener("change", () => {
      lang = langSelect.value;
      translate();
      if (token) onToken();
    });
    const input = document.getElementById("token");
    document.getElementById("token-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      token = input.value.trim();
      input.value = "";
      onToken();
    });
    document.getElementById("forget").addEventListener("click", () => {
      token = "";
      location.reload();
    });
    // fromFragment takes a demo token from #token= (a fragment never
    // leaves the browser) and clears the fragment from the address bar.
    const fromFragment = () => {
      const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
      if (location.hash) history.replaceState(null, "", location.pathname);
      if (m && config.demo) {
        token = decodeURIComponent(m[1]);
        onToken();
      }
    };
    window.addEventListener("hashchange", fromFragment);
    translate();
    fromFragment();
  }

  return { config, add, t, translate, gql, el, showError, confirm, when, start, ApiError, lang: () => lang };
})();
