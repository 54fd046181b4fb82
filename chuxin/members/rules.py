"""Data the member file checks against: the 56 ethnic groups, age bands used by reports."""

from django.utils.translation import gettext_lazy as _

ETHNIC_GROUPS = ["汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族"]

# (key, label, min age inclusive, max age inclusive)
AGE_BANDS = (
    ("le35", _("35 and under"), 0, 35),
    ("36_45", _("36 to 45"), 36, 45),
    ("46_55", _("46 to 55"), 46, 55),
    ("56_60", _("56 to 60"), 56, 60),
    ("ge61", _("61 and over"), 61, 200),
)

# A member must be at least this old when joining (applicants are >= 18).
MIN_AGE_AT_JOINING = 18
