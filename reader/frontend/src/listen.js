// The Listen button: the server's audio where there is one, otherwise the
// device's Vietnamese voice (Web Speech API). Pause, three speeds, and Media
// Session so that it keeps playing with the screen locked.
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "./i18n.js";

const SPEEDS = [0.75, 1, 1.25];

function mediaSession(title, controls) {
  if (!("mediaSession" in navigator)) return;
  navigator.mediaSession.metadata = new MediaMetadata({ title, artist: t("appName") });
  navigator.mediaSession.setActionHandler("play", controls.play);
  navigator.mediaSession.setActionHandler("pause", controls.pause);
}

function vietnameseVoice() {
  const voices = window.speechSynthesis ? speechSynthesis.getVoices() : [];
  return voices.find((voice) => voice.lang?.toLowerCase().startsWith("vi")) || null;
}

/** ``onEnded``: called when the member has listened to the end. */
export function Listen({ title, audio, text, onEnded = () => {} }) {
  const player = useRef(null);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const [problem, setProblem] = useState("");

  useEffect(() => () => {
    player.current?.pause?.();
    if (!audio && window.speechSynthesis) speechSynthesis.cancel();
  }, []);

  function speak(rate) {
    const voice = vietnameseVoice();
    if (!window.speechSynthesis || !voice) {
      setProblem(t("noVoice"));
      return false;
    }
    speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(`${title}. ${text}`);
    utterance.voice = voice;
    utterance.lang = voice.lang;
    utterance.rate = rate;
    utterance.onend = () => {
      setPlaying(false);
      onEnded();
    };
    speechSynthesis.speak(utterance);
    return true;
  }

  function play() {
    if (audio) {
      if (!player.current) {
        player.current = new Audio(audio.url);
        player.current.onended = () => {
          setPlaying(false);
          onEnded();
        };
      }
      player.current.playbackRate = speed;
      player.current.play().catch((error) => setProblem(String(error.message || error)));
    } else if (!speak(speed)) {
      return;
    }
    setPlaying(true);
    mediaSession(title, { play, pause });
  }

  function pause() {
    if (audio) player.current?.pause();
    else if (window.speechSynthesis) speechSynthesis.pause();
    setPlaying(false);
  }

  function changeSpeed(value) {
    setSpeed(value);
    if (audio && player.current) player.current.playbackRate = value;
    else if (playing) speak(value);
  }

  return html`<section class="listen" aria-label=${t("listen")}>
    <button class="listen-button" data-testid="listen" aria-pressed=${playing}
      data-source=${audio ? audio.source : "device"}
      onClick=${() => (playing ? pause() : play())}>
      ${playing ? `⏸ ${t("pause")}` : `🔊 ${t("listen")}`}
    </button>
    <span class="speeds" role="group" aria-label=${t("speed")}>
      ${SPEEDS.map(
        (value) => html`<button class="speed" aria-pressed=${speed === value}
          onClick=${() => changeSpeed(value)}>${String(value).replace(".", ",")}×</button>`,
      )}
    </span>
    ${problem && html`<p class="problem" role="status">${problem}</p>`}
  </section>`;
}
