"""The demo's raw material: a province, its districts, place and person names,
and the fixed records (board team, sample members) every size contains."""

from ..models import BoardRole, CommitteeRoleKind, MemberStatus, UnitLevel

PROVINCE = {"code": "TN", "name": "Tỉnh ủy Thái Nguyên", "short_name": "TU"}

# The district-level committees: 16 in the province, 30 in the city size. The
# first three make up the small demo, so they come first: a city, a rural
# district and the agencies' bloc.
# kind: how their grassroots units are named (wards/communes, or agencies);
# prefix: for a bloc, what its grassroots units beyond the named ones are called.
DISTRICTS = [
    ("Thành ủy Thái Nguyên", "TU", UnitLevel.DISTRICT, "city", ""),
    ("Huyện ủy Đại Từ", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Đảng ủy Khối Cơ quan - Doanh nghiệp tỉnh", "ĐUK", UnitLevel.BLOC, "agencies", ""),
    ("Thành ủy Sông Công", "TU", UnitLevel.DISTRICT, "city", ""),
    ("Thành ủy Phổ Yên", "TU", UnitLevel.DISTRICT, "city", ""),
    ("Huyện ủy Định Hóa", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Huyện ủy Phú Lương", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Huyện ủy Đồng Hỷ", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Huyện ủy Võ Nhai", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Huyện ủy Phú Bình", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Đảng ủy Quân sự tỉnh", "ĐUQS", UnitLevel.BLOC, "agencies", "Ban Chỉ huy Quân sự"),
    ("Đảng ủy Công an tỉnh", "ĐUCA", UnitLevel.BLOC, "agencies", "Công an"),
    ("Đảng ủy Đại học Thái Nguyên", "ĐU", UnitLevel.BLOC, "agencies", "Trung tâm"),
    ("Đảng ủy Bệnh viện Trung ương Thái Nguyên", "ĐU", UnitLevel.BLOC, "agencies", "Khối"),
    (
        "Đảng ủy Công ty Cổ phần Gang thép Thái Nguyên",
        "ĐU",
        UnitLevel.BLOC,
        "agencies",
        "Xí nghiệp",
    ),
    ("Đảng ủy Công ty Điện lực Thái Nguyên", "ĐU", UnitLevel.BLOC, "agencies", "Điện lực"),
    # The city size adds the districts of former Bắc Kạn (merged into the
    # province in 2025) and six more blocs: 30 in all.
    ("Thành ủy Bắc Kạn", "TU", UnitLevel.DISTRICT, "city", ""),
    ("Huyện ủy Ba Bể", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Huyện ủy Bạch Thông", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Huyện ủy Chợ Đồn", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Huyện ủy Chợ Mới", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Huyện ủy Na Rì", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Huyện ủy Ngân Sơn", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Huyện ủy Pác Nặm", "HU", UnitLevel.DISTRICT, "rural", ""),
    ("Đảng ủy Công ty Than Thái Nguyên", "ĐU", UnitLevel.BLOC, "agencies", "Mỏ than"),
    ("Đảng ủy Công ty Cổ phần Kim loại màu Thái Nguyên", "ĐU", UnitLevel.BLOC, "agencies", "Mỏ"),
    ("Đảng ủy Công ty Cổ phần Xi măng Quang Sơn", "ĐU", UnitLevel.BLOC, "agencies", "Phân xưởng"),
    ("Đảng ủy các Khu công nghiệp tỉnh", "ĐU", UnitLevel.BLOC, "agencies", "Công ty"),
    ("Đảng ủy Bệnh viện A Thái Nguyên", "ĐU", UnitLevel.BLOC, "agencies", "Khoa"),
    ("Đảng ủy Trường Cao đẳng Thái Nguyên", "ĐU", UnitLevel.BLOC, "agencies", "Bộ môn"),
]

# Named grassroots units of some blocs; after these, "<prefix> <place name>".
AGENCIES = {
    "Đảng ủy Khối Cơ quan - Doanh nghiệp tỉnh": [
        "Văn phòng Tỉnh ủy",
        "Văn phòng UBND tỉnh",
        "Sở Y tế",
        "Sở Giáo dục và Đào tạo",
        "Sở Tài chính",
        "Sở Nội vụ",
        "Sở Xây dựng",
        "Sở Công Thương",
        "Sở Nông nghiệp và Môi trường",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Kho bạc Nhà nước tỉnh",
        "Bảo hiểm xã hội tỉnh",
        "Báo Thái Nguyên",
        "Đài Phát thanh - Truyền hình tỉnh",
        "Trường Chính trị tỉnh",
    ],
    "Đảng ủy Đại học Thái Nguyên": [
        "Cơ quan Đại học Thái Nguyên",
        "Trường Đại học Sư phạm",
        "Trường Đại học Y - Dược",
        "Trường Đại học Kỹ thuật Công nghiệp",
        "Trường Đại học Nông Lâm",
        "Trường Đại học Kinh tế và Quản trị Kinh doanh",
        "Trường Đại học Khoa học",
        "Trường Đại học Công nghệ Thông tin và Truyền thông",
        "Trường Ngoại ngữ",
    ],
}
AGENCY_FALLBACK_PREFIX = "Công ty Cổ phần"

PLACE_FIRST = [
    "Tân", "Phú", "Hòa", "Bình", "An", "Minh", "Quang", "Vạn", "Hùng", "Đức",
    "Yên", "Phúc", "Thanh", "Mỹ", "Hà", "Văn", "Tiên", "Khôi", "Cù", "La",
    "Ký", "Hợp", "Lục", "Bản", "Na", "Phục", "Hoàng", "Trung", "Động", "Cát",
]  # fmt: skip
PLACE_SECOND = [
    "Sơn", "Thái", "Lương", "Xuyên", "Hòa", "Thịnh", "Tiến", "Yên", "Khánh", "Lợi",
    "Linh", "Trung", "Đạt", "Thành", "Long", "Phong", "Kỳ", "Lập", "Cường", "Vân",
]  # fmt: skip
HAMLET_FIRST = ["Đồng", "Làng", "Gò", "Cầu", "Đầm", "Bãi", "Khuôn", "Na", "Bản", "Ao", "Soi"]
HAMLET_SECOND = [
    "Mới", "Lớn", "Cả", "Trên", "Dưới", "Giữa", "Tâm", "Tiến", "Chùa", "Đình",
    "Thông", "Ngọc", "Xuân", "Hội",
]  # fmt: skip
# Every fourth branch of a ward or commune is an institution's.
INSTITUTIONS = ["Trường Tiểu học", "Trạm Y tế", "Quân sự", "Trường Mầm non", "Công an"]
DEPARTMENTS = [
    "Văn phòng",
    "Phòng Tổ chức - Hành chính",
    "Phòng Kế hoạch - Tài chính",
    "Phòng Nghiệp vụ",
    "Phòng Kỹ thuật",
    "Phòng Thanh tra",
    "Phòng Kinh doanh",
    "Phòng Tổng hợp",
]

# Family names, roughly by frequency in the northern midlands (Tày and Nùng
# names such as Ma, Nông, Triệu are common in Thái Nguyên's mountain districts).
FAMILY_NAMES = [
    ("Nguyễn", 30), ("Trần", 9), ("Lê", 8), ("Phạm", 6), ("Hoàng", 5), ("Vũ", 4),
    ("Đặng", 3), ("Bùi", 3), ("Đỗ", 3), ("Hồ", 2), ("Ngô", 2), ("Dương", 3),
    ("Lý", 1), ("Ma", 2), ("Nông", 2), ("Triệu", 1), ("Lương", 2), ("Hà", 2), ("Mông", 1),
]  # fmt: skip
MIDDLE_NAMES = {
    "m": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Mạnh", "Thanh", "Công", "Tiến"],
    "f": ["Thị", "Thị", "Thị", "Thu", "Thanh", "Minh", "Ngọc", "Phương", "Hồng", "Kim"],
}
GIVEN_NAMES = {
    "m": [
        "Hùng", "Dũng", "Cường", "Tuấn", "Hải", "Nam", "Sơn", "Thắng", "Long", "Quân",
        "Bình", "Toàn", "Tùng", "Huy", "Khánh", "Phong", "Trung", "Việt", "Thành", "Hiếu",
    ],
    "f": [
        "Hoa", "Lan", "Hương", "Hằng", "Mai", "Linh", "Thảo", "Trang", "Nga", "Hà",
        "Yến", "Nhung", "Huyền", "Thủy", "Hạnh", "Vân", "Dung", "Loan", "Phương", "Ngọc",
    ],
}  # fmt: skip

# Members beyond the two branch officers; weights in per mille.
STATUS_WEIGHTS = [
    (MemberStatus.OFFICIAL, 880),
    (MemberStatus.PROBATIONARY, 70),
    (MemberStatus.TRANSFERRED, 20),
    (MemberStatus.DECEASED, 15),
    (MemberStatus.STRUCK_OFF, 10),
    (MemberStatus.EXPELLED, 5),
]
# So that every demo shows each kind of record: in each grassroots unit's first
# branch, member 4 is probationary (no card yet) and member 5 has died; member 5
# of its second branch was expelled. Keyed by (branch position, member position).
FORCED_STATUSES = {
    (1, 4): MemberStatus.PROBATIONARY,
    (1, 5): MemberStatus.DECEASED,
    (2, 5): MemberStatus.EXPELLED,
}
OFFICES = {1: CommitteeRoleKind.SECRETARY, 2: CommitteeRoleKind.DEPUTY_SECRETARY}

# The editorial team: (which unit, role). Units are picked in the second
# district (Đại Từ) so that every level, down to a branch, has a board team.
BOARD_TEAM = [
    ("province", BoardRole.EDITOR),
    ("province", BoardRole.REVIEWER),
    ("province", BoardRole.APPROVER),
    ("province", BoardRole.PLATFORM_ADMIN),
    ("district", BoardRole.EDITOR),
    ("district", BoardRole.REVIEWER),
    ("district", BoardRole.APPROVER),
    ("grassroots", BoardRole.EDITOR),
    ("grassroots", BoardRole.REVIEWER),
    ("grassroots", BoardRole.APPROVER),
    ("branch", BoardRole.EDITOR),
    ("branch", BoardRole.REVIEWER),
    ("branch", BoardRole.APPROVER),
]
TEAM_UNIT_CODES = {
    "province": "TN",
    "district": "TN-02",
    "grassroots": "TN-02-001",
    "branch": "TN-02-001-01",
}
# Board users are members too, of the first branch in their unit's subtree.
TEAM_BRANCH_CODES = {
    "province": "TN-01-001-01",
    "district": "TN-02-001-01",
    "grassroots": "TN-02-001-01",
    "branch": "TN-02-001-01",
}
# Shown after the logins: a member who can sign in, and two who cannot (see
# FORCED_STATUSES). Every size has these branches and members.
SAMPLE_MEMBERS = [
    ("tn-02-001-01-001", "branch secretary"),
    ("tn-02-001-01-004", "probationary, no card yet"),
    ("tn-02-001-01-005", None),
    ("tn-02-001-02-005", None),
]
# Board users' card numbers live outside the generated range (districts 01-30).
TEAM_CARD_PREFIX = "99"
