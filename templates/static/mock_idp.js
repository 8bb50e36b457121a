// mock_idp pages: copy buttons, times in the reader's local time, and the callback's fragment relay.
// A plain static file (the pages' Content-Security-Policy allows scripts from 'self' only).
"use strict";

function relayFragment() {
  // Tokens in a URL fragment never reach the server: post them to the callback, as an SPA reads them.
  const relay = document.querySelector("[data-fragment-relay]");
  if (!relay) return;
  const params = new URLSearchParams(window.location.hash.slice(1));
  if (![...params.keys()].length) { relay.hidden = false; return; }
  const form = document.createElement("form");
  form.method = "post";
  form.action = window.location.pathname;
  for (const [name, value] of params) {
    const input = document.createElement("input");
    input.type = "hidden"; input.name = name; input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  history.replaceState(null, "", window.location.pathname);  // tokens out of the address bar
  form.submit();
}

function localTimes() {
  for (const node of document.querySelectorAll("time[data-epoch]")) {
    const when = new Date(Number(node.dataset.epoch) * 1000);
    const seconds = Math.round((when - Date.now()) / 1000);
    const relative = seconds > 0 ? `in ${seconds} s` : seconds === 0 ? "now" : `${-seconds} s ago`;
    node.textContent = `${when.toLocaleString()} (${relative})`;
    node.title = when.toISOString();
  }
}

function copyButtons() {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const text = document.getElementById(button.dataset.copy).textContent.trim();
      try {
        await navigator.clipboard.writeText(text);
        button.textContent = "Copied";
      } catch (error) {
        button.textContent = "Copy failed: select the text";
      }
    });
  }
}

document.addEventListener("DOMContentLoaded", () => { relayFragment(); localTimes(); copyButtons(); });
