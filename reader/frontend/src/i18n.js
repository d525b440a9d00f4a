// The app's words, Vietnamese first, English second. `t(key, values)`.
const MESSAGES = {
  appName: ["Sổ tay đảng viên", "Party member handbook"],
  home: ["Trang chủ", "Home"],
  documents: ["Văn bản", "Documents"],
  study: ["Học tập", "Study"],
  quizzes: ["Thi, kiểm tra", "Quizzes"],
  questions: ["Hỏi đáp", "Questions"],
  search: ["Tìm kiếm", "Search"],
  settings: ["Cài đặt", "Settings"],
  signIn: ["Đăng nhập", "Sign in"],
  signOut: ["Đăng xuất", "Sign out"],
  username: ["Tên đăng nhập", "Username"],
  password: ["Mật khẩu", "Password"],
  code: ["Mã đăng nhập một lần", "One-time sign-in code"],
  withPassword: ["Dùng mật khẩu", "Use a password"],
  withCode: ["Dùng mã do bí thư cấp", "Use a code from your secretary"],
  sessionExpired: [
    "Phiên đăng nhập đã hết hạn. Xin đăng nhập lại; nội dung đang soạn vẫn được giữ.",
    "Your session has expired. Please sign in again; your drafts are kept.",
  ],
  signedInAs: ["Đang đăng nhập: {name}", "Signed in as {name}"],
  publicNews: ["Tin tức", "News"],
  feedOf: ["Tin của {unit}", "News of {unit}"],
  unread: ["Mới", "New"],
  refresh: ["Cập nhật", "Refresh"],
  refreshed: ["Đã cập nhật: {count} mục mới", "Updated: {count} new items"],
  loading: ["Đang tải…", "Loading…"],
  offline: ["Đang ngoại tuyến: hiển thị nội dung đã lưu", "Offline: showing saved content"],
  notAvailableOffline: ["Nội dung này chưa được lưu để đọc ngoại tuyến.", "This has not been saved for offline reading."],
  back: ["Quay lại", "Back"],
  readMore: ["Đọc tiếp", "Read"],
  listen: ["Nghe đọc", "Listen"],
  pause: ["Tạm dừng", "Pause"],
  speed: ["Tốc độ", "Speed"],
  noVoice: ["Máy này không có giọng đọc tiếng Việt.", "This device has no Vietnamese voice."],
  textSize: ["Cỡ chữ", "Text size"],
  sizeNormal: ["Vừa", "Normal"],
  sizeLarge: ["Lớn", "Large"],
  sizeLargest: ["Rất lớn", "Largest"],
  contrast: ["Tương phản cao", "High contrast"],
  language: ["Ngôn ngữ", "Language"],
  number: ["Số hiệu", "Number"],
  status: ["Trạng thái", "Status"],
  issuedOn: ["Ngày ban hành", "Issued on"],
  type: ["Loại", "Type"],
  year: ["Năm", "Year"],
  issuingUnit: ["Đơn vị ban hành", "Issuing unit"],
  all: ["Tất cả", "All"],
  attachments: ["Tệp đính kèm", "Attachments"],
  relations: ["Văn bản liên quan", "Related documents"],
  saveOffline: ["Lưu để đọc ngoại tuyến", "Save for offline"],
  savedOffline: ["Đã lưu để đọc ngoại tuyến", "Saved for offline"],
  savedDocuments: ["Văn bản đã lưu", "Saved documents"],
  download: ["Tải về", "Download"],
  downloaded: ["Đã tải xong", "Downloaded"],
  nothingHere: ["Chưa có nội dung.", "Nothing here yet."],
  searchPlaceholder: ["Gõ từ cần tìm, có dấu hoặc không dấu", "Type words, with or without accents"],
  results: ["{count} kết quả", "{count} results"],
  error: ["Có lỗi: {message}", "Error: {message}"],
  networkError: ["Không kết nối được. Xin thử lại.", "Could not connect. Please try again."],
  queued: ["Đã lưu, sẽ gửi khi có mạng", "Saved; it will be sent when online"],
  myModules: ["Chuyên đề của tôi", "My modules"],
  lessons: ["Bài học", "Lessons"],
  lessonRead: ["Đã đọc xong", "Read"],
  progress: ["Tiến độ: {done}/{total} bài", "Progress: {done}/{total} lessons"],
  finalQuiz: ["Bài kiểm tra cuối chuyên đề", "Final quiz"],
  startAttempt: ["Bắt đầu làm bài", "Start"],
  submit: ["Nộp bài", "Submit"],
  timeLeft: ["Còn lại {time}", "{time} left"],
  score: ["Điểm: {score}/{max}", "Score: {score}/{max}"],
  corrections: ["Đáp án", "Corrections"],
  ranking: ["Xếp hạng theo đơn vị", "Ranking by unit"],
  askPlaceholder: ["Gõ câu hỏi của đồng chí", "Type your question"],
  readyAnswers: ["Câu trả lời có sẵn", "Ready answers"],
  sendQuestion: ["Gửi câu hỏi tới ban biên tập", "Send the question to my board"],
  myQuestions: ["Câu hỏi của tôi", "My questions"],
  reply: ["Trả lời", "Reply"],
};

let language = "vi";

export function setLanguage(code) {
  language = code === "en" ? "en" : "vi";
  document.documentElement.lang = language;
}

export function currentLanguage() {
  return language;
}

export function t(key, values = {}) {
  const entry = MESSAGES[key];
  const text = entry ? entry[language === "en" ? 1 : 0] : key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}
