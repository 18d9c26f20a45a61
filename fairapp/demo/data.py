"""The fixed part of the demo data: wards, companies, schools and name lists for Sông Công.

Companies and schools are invented; any likeness to a real one is a coincidence."""

# Wards of the former Sông Công city (two-level units since 1 July 2025), with the share of
# job seekers who live in each.
WARDS = {
    "05518": ("Phường Sông Công", 35),
    "05528": ("Phường Bách Quang", 25),
    "05533": ("Phường Bá Xuyên", 25),
    "05503": ("Xã Tân Cương", 15),
}

TAX_CODE_PREFIX = "46"  # tax codes issued in Thái Nguyên

# name, industry, ward, address, contact, vacancies: (title, occupation, quantity, salary_min, salary_max,
# requirements); salaries None = "thoả thuận".
EMPLOYERS = [
    (
        "Công ty TNHH May mặc Hưng Phát Sông Công",
        "Dệt may",
        "05528",
        "Lô CN-05, Khu công nghiệp Sông Công I, Phường Bách Quang, tỉnh Thái Nguyên",
        "Chị Nguyễn Thị Hằng, phòng Nhân sự",
        [
            (
                "Công nhân may công nghiệp",
                "Thợ may",
                60,
                6_500_000,
                9_000_000,
                "Nam/nữ 18–45 tuổi; chưa biết nghề được đào tạo, hưởng lương trong thời gian học việc.",
            ),
            ("Thợ cắt vải", "Thợ cắt may", 10, 7_000_000, 9_500_000, "Ưu tiên người đã có kinh nghiệm."),
            (
                "Nhân viên kiểm tra chất lượng (KCS)",
                "Kiểm tra chất lượng",
                5,
                7_500_000,
                10_000_000,
                "Tốt nghiệp THPT trở lên, cẩn thận, mắt tốt.",
            ),
        ],
    ),
    (
        "Công ty TNHH Điện tử Tân Quang Việt Nam",
        "Lắp ráp linh kiện điện tử",
        "05533",
        "Lô B2, Khu công nghiệp Sông Công II, Phường Bá Xuyên, tỉnh Thái Nguyên",
        "Anh Trần Đức Mạnh, phòng Tuyển dụng",
        [
            (
                "Công nhân lắp ráp điện tử",
                "Lắp ráp điện tử",
                80,
                7_000_000,
                9_500_000,
                "Nam/nữ 18–35 tuổi, không mù màu; làm việc theo ca, có xe đưa đón.",
            ),
            (
                "Kỹ thuật viên bảo trì máy",
                "Kỹ thuật viên điện",
                6,
                9_000_000,
                13_000_000,
                "Trung cấp điện, điện tử hoặc cơ điện tử trở lên.",
            ),
            (
                "Tổ trưởng sản xuất",
                "Quản lý sản xuất",
                3,
                None,
                None,
                "Ít nhất 2 năm kinh nghiệm quản lý chuyền.",
            ),
        ],
    ),
    (
        "Công ty Cổ phần Cơ khí Chính xác Bách Quang",
        "Cơ khí chế tạo",
        "05528",
        "Tổ dân phố Tân Lập, Phường Bách Quang, tỉnh Thái Nguyên",
        "Anh Lê Văn Thành, phó giám đốc",
        [
            ("Thợ hàn", "Thợ hàn", 15, 8_000_000, 12_000_000, "Có chứng chỉ hàn là một lợi thế."),
            (
                "Công nhân vận hành máy CNC",
                "Vận hành máy công cụ",
                10,
                8_500_000,
                12_500_000,
                "Đọc được bản vẽ kỹ thuật; chưa có kinh nghiệm được kèm cặp.",
            ),
        ],
    ),
    (
        "Công ty TNHH Giày da Phú Thành",
        "Da giày",
        "05518",
        "Đường Thắng Lợi, Phường Sông Công, tỉnh Thái Nguyên",
        "Chị Phạm Thu Trang, phòng Hành chính – Nhân sự",
        [
            ("Công nhân may mũ giày", "Thợ may", 50, 6_500_000, 8_500_000, "Nữ 18–40 tuổi."),
            ("Công nhân gò giày", "Công nhân da giày", 30, 6_800_000, 9_000_000, "Nam/nữ 18–40 tuổi."),
            ("Nhân viên kho", "Thủ kho", 4, 6_500_000, 8_000_000, "Biết dùng máy tính cơ bản."),
        ],
    ),
    (
        "Công ty Cổ phần Logistics Trung Thành Thái Nguyên",
        "Kho vận, logistics",
        "05518",
        "Khu công nghiệp Sông Công I, Phường Sông Công, tỉnh Thái Nguyên",
        "Anh Hoàng Minh Tuấn, trưởng kho",
        [
            ("Lái xe nâng", "Lái xe nâng hàng", 8, 9_000_000, 12_000_000, "Có chứng chỉ vận hành xe nâng."),
            ("Nhân viên kho vận", "Thủ kho", 12, 7_000_000, 9_000_000, "Nam 18–40 tuổi, sức khoẻ tốt."),
            ("Nhân viên giao nhận", "Giao nhận hàng hoá", 6, None, None, "Có bằng lái xe máy."),
            (
                "Nhân viên nhập liệu",
                "Nhân viên văn phòng",
                2,
                6_500_000,
                8_000_000,
                "Tốt nghiệp THPT, thành thạo Excel.",
            ),
        ],
    ),
    (
        "Công ty TNHH Phụ tùng Cơ khí Minh Đức",
        "Cơ khí, phụ tùng xe máy",
        "05533",
        "Lô C1, Khu công nghiệp Sông Công II, Phường Bá Xuyên, tỉnh Thái Nguyên",
        "Chị Đỗ Thị Lan, phòng Nhân sự",
        [
            ("Công nhân dập, ép", "Công nhân cơ khí", 20, 7_000_000, 9_500_000, "Nam 18–40 tuổi."),
            (
                "Công nhân sơn tĩnh điện",
                "Thợ sơn",
                10,
                7_500_000,
                10_000_000,
                "Được cấp đồ bảo hộ và phụ cấp độc hại.",
            ),
        ],
    ),
]

PRIORITY_SUPPORT = (
    "Miễn học phí cho người thuộc hộ nghèo, hộ cận nghèo và hộ mới thoát nghèo; "
    "hỗ trợ tiền ăn 30.000 đ/ngày và tiền đi lại."
)

# name, ward, address, programmes: (name, level, duration_months, tuition VND, seats)
SCHOOLS = [
    (
        "Trường Cao đẳng Nghề Công nghiệp Sông Công",
        "05528",
        "Tổ dân phố Bách Quang 3, Phường Bách Quang, tỉnh Thái Nguyên",
        [
            ("Công nghệ hàn", "trung_cap", 18, 9_000_000, 40),
            ("Điện công nghiệp", "cao_dang", 30, 16_000_000, 35),
            ("Cắt gọt kim loại", "so_cap", 3, 3_500_000, 25),
        ],
    ),
    (
        "Trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên Sông Công",
        "05518",
        "Đường Cách Mạng Tháng Mười, Phường Sông Công, tỉnh Thái Nguyên",
        [
            ("May thời trang", "so_cap", 3, 2_800_000, 30),
            ("Sửa chữa xe máy", "so_cap", 3, 3_000_000, 20),
            ("Kỹ thuật chế biến món ăn", "so_cap", 2, 2_500_000, 20),
        ],
    ),
]

# Family names with rough weights; the Tày and Nùng names are common around Thái Nguyên.
FAMILY_NAMES = {
    "Nguyễn": 30,
    "Trần": 9,
    "Lê": 7,
    "Phạm": 6,
    "Hoàng": 6,
    "Vũ": 5,
    "Đỗ": 4,
    "Đặng": 4,
    "Bùi": 4,
    "Dương": 4,
    "Ngô": 3,
    "Lương": 3,
    "Ma": 2,
    "Nông": 2,
    "Hà": 2,
    "Lý": 2,
    "Đinh": 2,
    "Triệu": 1,
    "Lục": 1,
    "Mai": 1,
}
MIDDLE_NAMES = {
    "male": {
        "Văn": 40,
        "Đức": 8,
        "Minh": 8,
        "Quang": 6,
        "Hữu": 5,
        "Công": 5,
        "Xuân": 4,
        "Tiến": 3,
        "Thanh": 3,
        "Ngọc": 2,
    },
    "female": {
        "Thị": 50,
        "Thu": 8,
        "Ngọc": 6,
        "Thanh": 6,
        "Hồng": 5,
        "Minh": 4,
        "Phương": 3,
        "Kim": 3,
        "Diệu": 2,
    },
}
GIVEN_NAMES = {
    "male": [
        "Hùng",
        "Dũng",
        "Tuấn",
        "Minh",
        "Nam",
        "Hải",
        "Long",
        "Thắng",
        "Quân",
        "Sơn",
        "Đức",
        "Trung",
        "Hiếu",
        "Cường",
        "Phong",
        "Khánh",
        "Toàn",
        "Huy",
        "Bình",
        "Tài",
        "Thành",
        "Vinh",
        "Hoàng",
        "Việt",
        "Anh",
        "Kiên",
        "Lâm",
        "Mạnh",
        "Nghĩa",
        "Tùng",
    ],
    "female": [
        "Hoa",
        "Lan",
        "Hương",
        "Hằng",
        "Mai",
        "Linh",
        "Trang",
        "Thảo",
        "Huyền",
        "Nga",
        "Nhung",
        "Yến",
        "Hà",
        "Phương",
        "Ngọc",
        "Thuỷ",
        "Vân",
        "Loan",
        "Dung",
        "Oanh",
        "Quỳnh",
        "Anh",
        "Giang",
        "Hạnh",
        "Duyên",
        "Liên",
        "Thơm",
        "Hiền",
        "Tuyết",
        "Ly",
    ],
}

# Carriers' mobile prefixes (Viettel, VinaPhone, MobiFone, Vietnamobile, Gmobile).
MOBILE_PREFIXES = [
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "086",
    "096",
    "097",
    "098",
    "081",
    "082",
    "083",
    "084",
    "085",
    "088",
    "091",
    "094",
    "070",
    "076",
    "077",
    "078",
    "079",
    "090",
    "093",
    "056",
    "058",
    "092",
    "059",
    "099",
]

# Education level codes (the attendee form translates them) with rough shares among job seekers.
EDUCATION_LEVELS = {
    "primary": 5,
    "lower_secondary": 30,
    "upper_secondary": 45,
    "vocational": 10,
    "college": 6,
    "university": 4,
}

DESIRED_JOBS = [
    "Công nhân may",
    "Lắp ráp điện tử",
    "Thợ hàn",
    "Lái xe nâng",
    "Nhân viên kho",
    "Công nhân cơ khí",
    "Học nghề điện công nghiệp",
    "Học nghề may",
    "Bảo vệ",
    "Nhân viên văn phòng",
    "Công nhân da giày",
    "Việc làm gần nhà",
]
