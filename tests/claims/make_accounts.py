"""Writes tests/claims/accounts.jsonl, the labelled set of invented accounts (never real people).

    .venv/bin/python -m tests.claims.make_accounts

Each line: ``{account_id, category, name, handle?, bio?, expect: [{field, profession, title, text}], note?}``.
``expect`` lists every claim a reader sees; ``text`` is the claim exactly as written, so its span can be
checked. Categories: ``plain`` (a title in the name), ``bio`` (in the bio), one per evasion family
(``traditional``, ``variant``, ``separator``, ``invisible``, ``width``, ``case``, ``homoglyph``,
``pinyin``, ``initials``, ``english``, ``homophone``), ``multi`` (several claims), ``negative`` (words
that contain a title but claim nothing) and ``borderline`` (decisions documented in
docs/claims-lexicon.md; scored apart, with the expected ``action``).

The accounts were written before the rules were tuned; the evasion families are produced from
hand-written titles by the transformations below, with a fixed seed, so the file is reproducible.
Names are drawn from common surnames and given-name characters at random: any likeness is chance.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("accounts.jsonl")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建文斌宇浩凯晨欣怡子涵思雨佳琪"
PINYIN = ["wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "lin", "gao"]

D, L, T = "doctor", "lawyer", "teacher"


def claim(field: str, profession: str, title: str, text: str) -> dict[str, str]:
    return {"field": field, "profession": profession, "title": title, "text": text}


# --- plain: a title in the display name ------------------------------------------------------------------
# (prefix, title text, suffix, profession, canonical title)
PLAIN_NAMES = [
    ("心内科", "医生", "{s}", D, "医生"), ("{s}", "医生", "聊健康", D, "医生"), ("儿科", "医生", "{s}妈妈", D, "医生"),
    ("{s}", "医师", "", D, "医生"), ("{s}", "大夫", "说健康", D, "医生"), ("皮肤科{s}", "大夫", "", D, "医生"),
    ("{s}", "主任医师", "", D, "主任医师"), ("骨科", "副主任医师", "{s}", D, "副主任医师"),
    ("{s}", "主治医师", "科普", D, "主治医师"), ("", "住院医师", "{s}", D, "住院医师"),
    ("", "执业医师", "老{s}", D, "执业医师"), ("", "中医师", "{s}", D, "中医师"), ("", "老中医", "{s}", D, "中医师"),
    ("", "牙医", "{s}", D, "口腔医生"), ("{s}", "医生", "", D, "医生"), ("妇产科{s}", "医生", "", D, "医生"),
    ("", "外科医生", "{s}", D, "医生"), ("{s}", "大夫", "在线", D, "医生"), ("眼科{s}", "主任医师", "", D, "主任医师"),
    ("", "口腔医生", "{s}", D, "口腔医生"), ("{s}", "医生", "的日常", D, "医生"), ("急诊科", "医生", "{s}", D, "医生"),
    ("{s}", "律师", "", L, "律师"), ("{s}", "律师", "说法", L, "律师"), ("", "律师", "{s}", L, "律师"),
    ("{s}", "律师", "讲婚姻", L, "律师"), ("", "执业律师", "{s}", L, "律师"), ("刑辩", "律师", "{s}", L, "律师"),
    ("", "大律师", "{s}", L, "律师"), ("{s}", "律师团队", "", L, "律师"), ("", "专职律师", "{s}", L, "专职律师"),
    ("", "公司律师", "{s}", L, "公司律师"), ("{s1}", "律", "", L, "律师"), ("{s1}", "律", "来了", L, "律师"),
    ("{s}", "律师", "普法", L, "律师"), ("劳动法", "律师", "{s}", L, "律师"), ("{s}", "律师", "在线解答", L, "律师"),
    ("", "教师", "{s}", T, "教师"), ("人民", "教师", "{s}", T, "教师"), ("{s}", "教授", "", T, "教授"),
    ("", "副教授", "{s}", T, "副教授"), ("", "特级教师", "{s}", T, "特级教师"), ("", "高级教师", "{s}", T, "高级教师"),
    ("", "班主任", "{s}", T, "教师"), ("{s}", "教授", "讲历史", T, "教授"), ("", "博导", "{s}", T, "教授"),
    ("", "数学老师", "{s}", T, "教师"), ("", "初中英语老师", "{s}", T, "教师"), ("", "高中物理老师", "{s}", T, "教师"),
    ("", "小学语文老师", "{s}", T, "教师"), ("", "幼儿园老师", "{s}", T, "教师"), ("", "大学老师", "{s}", T, "教师"),
    ("", "语文老师", "{s}", T, "教师"), ("{s}", "教授", "说经济", T, "教授"), ("", "人民教师", "{s}", T, "教师"),
    ("", "化学老师", "{s}", T, "教师"), ("", "班主任", "{s}日记", T, "教师"), ("", "幼师", "{s}", T, "教师"),
    ("{s}", "医生", "讲糖尿病", D, "医生"), ("神经外科", "医生", "{s}", D, "医生"), ("", "家庭医生", "{s}", D, "医生"),
    ("{s}", "律师", "事务", L, "律师"), ("婚姻家事", "律师", "{s}", L, "律师"), ("", "英语教师", "{s}", T, "教师"),
]

# --- bio: a title in the bio --------------------------------------------------------------------------------
# (bio before, title text, bio after, profession, canonical title)
BIOS = [
    ("三甲医院儿科", "医生", "，分享育儿健康知识", D, "医生"),
    ("从业十五年的", "外科医生", "，手术台上的日常", D, "医生"),
    ("我是一名", "医生", "，专注心血管疾病的科普", D, "医生"),
    ("某市人民医院", "主任医师", "，擅长胃肠镜检查", D, "主任医师"),
    ("中医世家，", "执业医师", "，调理脾胃", D, "执业医师"),
    ("口腔", "医生", "｜正畸、种植、美白", D, "医生"),
    ("", "皮肤科医生", "，教你科学护肤不踩坑", D, "医生"),
    ("省中医院", "中医师", "，针灸推拿二十年", D, "中医师"),
    ("一名普通的急诊科", "医生", "，记录夜班", D, "医生"),
    ("", "主治医师", "，医学硕士，关注女性健康", D, "主治医师"),
    ("妇产科", "医师", "，孕期问题私信", D, "医生"),
    ("基层", "全科医生", "，守护社区居民健康", D, "医生"),
    ("骨科", "大夫", "，运动损伤康复", D, "医生"),
    ("精神科", "医生", "，聊聊抑郁和焦虑", D, "医生"),
    ("麻醉科", "住院医师", "，分享麻醉小知识", D, "住院医师"),
    ("肿瘤科", "副主任医师", "，抗癌路上陪你走", D, "副主任医师"),
    ("儿童医院", "医生", "，宝妈们的育儿顾问", D, "医生"),
    ("医学博士，心内科", "医生", "，高血压管理", D, "医生", [("医学博士", D, "医学博士")]),
    ("", "牙医", "一枚，每天分享护牙小技巧", D, "口腔医生"),
    ("十年临床经验的", "医生", "，问诊请挂号", D, "医生"),
    ("", "执业律师", "，专注劳动纠纷、工伤赔偿", L, "律师"),
    ("北京某律所合伙人", "律师", "，擅长公司股权", L, "律师"),
    ("我是", "律师", "，专注婚姻家事十年", L, "律师"),
    ("", "刑辩律师", "，为你讲解真实案例", L, "律师"),
    ("一名普通的", "律师", "，每天一个法律小知识", L, "律师"),
    ("执业十年", "律师", "，合同审查、债务纠纷", L, "律师"),
    ("", "专职律师", "，执业证号请私信查询", L, "专职律师"),
    ("", "公职律师", "，政府法律顾问", L, "公职律师", [("法律顾问", L, "律师")]),
    ("知识产权", "律师", "｜商标、专利、著作权", L, "律师"),
    ("", "律师", "，前法官，民商事诉讼", L, "律师"),
    ("交通事故", "律师", "，免费咨询", L, "律师"),
    ("香港执业", "大律师", "，分享两地法律", L, "律师"),
    ("劳动仲裁", "律师", "，帮你维权", L, "律师"),
    ("", "律师", "团队负责人，承接企业顾问", L, "律师"),
    ("我是一名", "高中数学老师", "，带你攻克函数", T, "教师"),
    ("", "初中英语老师", "，每天五个单词", T, "教师"),
    ("", "人民教师", "，教龄二十年", T, "教师"),
    ("某985高校", "教授", "，研究方向宏观经济", T, "教授"),
    ("", "副教授", "，硕士生导师，讲讲科研那些事", T, "副教授", [("硕士生导师", T, "副教授")]),
    ("小学", "班主任", "，记录和孩子们的日常", T, "教师"),
    ("", "特级教师", "，分享高考作文技巧", T, "特级教师"),
    ("市重点中学", "语文老师", "，读书写作", T, "教师"),
    ("", "幼儿园老师", "，手工、儿歌、绘本", T, "教师"),
    ("大学", "讲师", "，讲授计算机网络", T, "讲师"),
    ("", "高中物理老师", "，物理其实很简单", T, "教师"),
    ("在职", "教师", "，分享课堂趣事", T, "教师"),
    ("", "博士生导师", "，国家杰青", T, "教授"),
    ("一线", "教师", "，专注初中数学", T, "教师"),
    ("", "小学英语老师", "，自然拼读", T, "教师"),
    ("", "教授", "，博导，研究人工智能", T, "教授", [("博导", T, "教授")]),
    ("某师范大学", "副教授", "，教育心理学", T, "副教授"),
    ("从教三十年的", "老教师", "，退而不休", T, "教师"),
    ("", "高中历史老师", "，讲历史故事", T, "教师"),
    ("我是一名", "老师", "，教初二数学", T, "教师"),
    ("", "化学老师", "，实验视频每周更新", T, "教师"),
    ("", "美术老师", "，小学美术课堂", T, "教师"),
]

# --- evasion families ----------------------------------------------------------------------------------------
# Titles the transformations work on: (text, profession, canonical title)
HAN_TITLES = [("医生", D, "医生"), ("医师", D, "医生"), ("律师", L, "律师"), ("教师", T, "教师"), ("教授", T, "教授"),
              ("主任医师", D, "主任医师"), ("大夫", D, "医生"), ("执业律师", L, "律师"), ("副教授", T, "副教授"),
              ("主治医师", D, "主治医师"), ("人民教师", T, "教师"), ("中医师", D, "中医师")]
TRADITIONAL = {"医": "醫", "师": "師", "师傅": "師傅", "执": "執", "业": "業", "律": "律", "主": "主", "治": "治",
               "教": "教", "授": "授", "副": "副", "夫": "夫", "生": "生", "人": "人", "民": "民", "任": "任",
               "中": "中", "科": "科", "内": "內", "说": "說", "讲": "講", "专": "專", "职": "職", "儿": "兒",
               "门": "門", "诊": "診", "学": "學", "数": "數", "语": "語", "务": "務", "所": "所", "时": "時"}
SEPARATORS = [".", " ", "·", "💊", "-", "*", "_", "/", "|", "~", "♥", "⭐", "、", "…", "  ", "•", "⚖️", "📚", "👨‍⚕️", "★"]
INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u0336", "\ufe0f", "\u034f", "\u3164",
              "\u200e", "\u180e", "\u0332", "\u2063"]
ENGLISH = [("Dr.", D, "医生", "{p}", True), ("Doctor", D, "医生", "", False), ("MD", D, "医生", "", False),
           ("lawyer", L, "律师", "", False), ("Lawyer", L, "律师", "", False), ("attorney", L, "律师", "", False),
           ("professor", T, "教授", "", False), ("Prof.", T, "教授", "", False), ("teacher", T, "教师", "", False),
           ("Teacher", T, "教师", "", False), ("physician", D, "医生", "", False), ("surgeon", D, "医生", "", False),
           ("barrister", L, "律师", "", False), ("Attorney", L, "律师", "", False), ("DOCTOR", D, "医生", "", False),
           ("dentist", D, "口腔医生", "", False)]
HOMOGLYPH_WORDS = [  # (as written, profession, canonical title)
    ("dоctor", D, "医生"), ("lаwyer", L, "律师"), ("tеacher", T, "教师"), ("𝐃𝐨𝐜𝐭𝐨𝐫", D, "医生"),
    ("𝓛𝓪𝔀𝔂𝓮𝓻", L, "律师"), ("Ⓓⓞⓒⓣⓞⓡ", D, "医生"), ("🅳🅾🅲🆃🅾🆁", D, "医生"), ("𝕝𝕒𝕨𝕪𝕖𝕣", L, "律师"),
    ("ԁосtог", D, "医生"), ("ⓛⓐⓦⓨⓔⓡ", L, "律师"), ("𝙏𝙚𝙖𝙘𝙝𝙚𝙧", T, "教师"), ("ᴅᴏᴄᴛᴏʀ", D, "医生"),
    ("㊩生", D, "医生"), ("医⽣", D, "医生"), ("⽼师", T, "教师"), ("𝗣𝗿𝗼𝗳𝗲𝘀𝘀𝗼𝗿", T, "教授"),
    ("lawyеr", L, "律师"), ("рrofessor", T, "教授"), ("𝔇𝔬𝔠𝔱𝔬𝔯", D, "医生"), ("🇩🇷", D, "医生"),
]
WIDTH_WORDS = [("ｄｏｃｔｏｒ", D, "医生"), ("ＬＡＷＹＥＲ", L, "律师"), ("Ｄｒ．", D, "医生"), ("ｔｅａｃｈｅｒ", T, "教师"),
               ("ｌａｗｙｅｒ", L, "律师"), ("ＭＤ", D, "医生"), ("Ｐｒｏｆｅｓｓｏｒ", T, "教授"), ("ａｔｔｏｒｎｅｙ", L, "律师"),
               ("ＤＯＣＴＯＲ", D, "医生"), ("ｐｈｙｓｉｃｉａｎ", D, "医生")]
CASE_WORDS = [("dOcToR", D, "医生"), ("LaWyEr", L, "律师"), ("tEaChEr", T, "教师"), ("DoCtOr", D, "医生"),
              ("pRoFeSsOr", T, "教授"), ("lAWYER", L, "律师"), ("DOCtor", D, "医生"), ("AttorNey", L, "律师"),
              ("dR.", D, "医生"), ("TEAcher", T, "教师")]
PINYIN_WORDS = [("yisheng", D, "医生"), ("daifu", D, "医生"), ("lvshi", L, "律师"), ("lüshi", L, "律师"),
                ("jiaoshou", T, "教授"), ("jiaoshi", T, "教师"), ("YiSheng", D, "医生"), ("LvShi", L, "律师"),
                ("laoshi", T, "教师")]
INITIAL_WORDS = [("ys", D, "医生"), ("ls", L, "律师"), ("YS", D, "医生"), ("LS", L, "律师")]
HOMOPHONES = [("衣生", D, "医生"), ("依生", D, "医生"), ("绿师", L, "律师"), ("滤师", L, "律师"), ("律狮", L, "律师"),
              ("老湿", T, "教师")]
VARIANTS = [("毉生", D, "医生"), ("醫師", D, "医生"), ("大伕", D, "医生"), ("毉師", D, "医生")]

CONTEXT_BIOS = {D: ["三甲医院心内科，坐诊周二周四", "医院门诊，科普常见病", "临床十年，关注慢病管理", "儿科门诊，育儿答疑"],
                L: ["律所执业，专注合同纠纷", "婚姻家事、劳动仲裁，法律咨询", "民商事诉讼代理", "刑事辩护，法律援助"],
                T: ["初中数学，教龄十年", "高中英语课堂，高考备考", "小学语文，陪孩子们阅读", "大学课堂，科研与教学"]}
PLAIN_BIOS = ["分享日常生活", "记录美好瞬间", "喜欢旅行和美食", "每天更新", "欢迎关注", "", "工作日晚八点直播"]

# --- multi: several claims in one account -------------------------------------------------------------------
MULTI = [
    ({"name": "{s}医生", "bio": "某三甲医院主任医师，医学院教授"},
     [("name", D, "医生", "医生"), ("bio", D, "主任医师", "主任医师"), ("bio", T, "教授", "教授")]),
    ({"name": "{s}律师", "bio": "执业律师，法学院兼职教授"},
     [("name", L, "律师", "律师"), ("bio", L, "律师", "执业律师"), ("bio", T, "教授", "教授")]),
    ({"name": "{s}老师", "bio": "高中数学老师，也是一名兼职律师"},
     [("name", T, "教师", "老师"), ("bio", T, "教师", "数学老师"), ("bio", L, "兼职律师", "兼职律师")]),
    ({"name": "医生{s}", "handle": "dr_{p}", "bio": "儿科医生，宝妈一枚"},
     [("name", D, "医生", "医生"), ("handle", D, "医生", "dr"), ("bio", D, "医生", "医生")]),
    ({"name": "{s}大夫", "bio": "中医师，针灸推拿"},
     [("name", D, "医生", "大夫"), ("bio", D, "中医师", "中医师")]),
    ({"name": "律師{s}", "bio": "lawyer | 律所合伙人"},
     [("name", L, "律师", "律師"), ("bio", L, "律师", "lawyer"), ("bio", L, "律师", "律所合伙人")]),
    ({"name": "{s}教授", "bio": "医学院教授、主任医师、博士生导师"},
     [("name", T, "教授", "教授"), ("bio", T, "教授", "教授"), ("bio", D, "主任医师", "主任医师"),
      ("bio", T, "教授", "博士生导师")]),
    ({"name": "{s}医师", "handle": "{p}_yisheng", "bio": "执业医师，分享用药常识"},
     [("name", D, "医生", "医师"), ("handle", D, "医生", "yisheng"), ("bio", D, "执业医师", "执业医师")]),
    ({"name": "班主任{s}", "bio": "初中语文老师，兼任教研组长"},
     [("name", T, "教师", "班主任"), ("bio", T, "教师", "语文老师"), ("bio", T, "教师", "教研组长")]),
    ({"name": "{s}律师 | 医学背景", "bio": "前外科医生，现为医疗纠纷律师"},
     [("name", L, "律师", "律师"), ("bio", D, "医生", "外科医生"), ("bio", L, "律师", "律师")]),
    ({"name": "Dr. {S}", "bio": "三甲医院副主任医师，医学博士"},
     [("name", D, "医生", "Dr"), ("bio", D, "副主任医师", "副主任医师"), ("bio", D, "医学博士", "医学博士")]),
    ({"name": "{s}老師", "bio": "國中數學教師"},
     [("name", T, "教师", "老師"), ("bio", T, "教师", "數學教師")]),
    ({"name": "{s}医生", "bio": "丈夫是律师，我是儿科医生"},
     [("name", D, "医生", "医生"), ("bio", D, "医生", "儿科医生")]),
    ({"name": "律师{s}", "handle": "lawyer{p}", "bio": "执业律师 attorney at law"},
     [("name", L, "律师", "律师"), ("handle", L, "律师", "lawyer"), ("bio", L, "律师", "执业律师"),
      ("bio", L, "律师", "attorney")]),
    ({"name": "{s}教授", "bio": "博导，特聘教授，高中数学特级教师出身"},
     [("name", T, "教授", "教授"), ("bio", T, "教授", "博导"), ("bio", T, "教授", "特聘教授"),
      ("bio", T, "特级教师", "特级教师")]),
    ({"name": "醫生{s}", "bio": "主治醫師，兒科門診"},
     [("name", D, "医生", "醫生"), ("bio", D, "主治医师", "主治醫師")]),
    ({"name": "{s1}律", "bio": "专职律师，擅长离婚诉讼"},
     [("name", L, "律师", "{s1}律"), ("bio", L, "专职律师", "专职律师")]),
    ({"name": "中医{s}大夫", "bio": "中医师，出诊时间周一至周五"},
     [("name", D, "医生", "大夫"), ("bio", D, "中医师", "中医师")]),
    ({"name": "{s}老师", "bio": "小学英语老师，教龄八年"},
     [("name", T, "教师", "老师"), ("bio", T, "教师", "小学英语老师")]),
    ({"name": "儿科医生{s}", "bio": "儿科主治医师，也是两个孩子的妈妈"},
     [("name", D, "医生", "儿科医生"), ("bio", D, "主治医师", "主治医师")]),
    ({"name": "{s}律师", "bio": "律師，專注勞動爭議"},
     [("name", L, "律师", "律师"), ("bio", L, "律师", "律師")]),
    ({"name": "{s}副教授", "bio": "大学老师，研究古代文学"},
     [("name", T, "副教授", "副教授"), ("bio", T, "教师", "大学老师")]),
    ({"name": "牙医{s}", "handle": "dentist_{p}", "bio": "口腔医生，种植牙"},
     [("name", D, "口腔医生", "牙医"), ("handle", D, "口腔医生", "dentist"), ("bio", D, "口腔医生", "口腔医生")]),
    ({"name": "{s}教师", "bio": "人民教师，班主任"},
     [("name", T, "教师", "教师"), ("bio", T, "教师", "人民教师"), ("bio", T, "教师", "班主任")]),
    ({"name": "医生妈妈{s}", "bio": "我是儿科医生，老公是律师"},
     [("name", D, "医生", "医生"), ("bio", D, "医生", "儿科医生")]),
]

# --- negatives: a title inside words that claim nothing ---------------------------------------------------------
NEGATIVES = [
    ("小{g}", "律师函代写，合同模板下载"), ("{s}{g}", "教师节快乐，感谢每一位老师"), ("老师傅修车", "二十年汽修经验"),
    ("医学生{s}{g}", "在读临床医学，记录学医日常"), ("萌宠日记", "我家猫的宠物医生超级温柔"),
    ("{s}{g}", "兽医师，专注犬猫疾病"), ("养生小站", "听医生说每天要喝八杯水"), ("宝妈{g}{g}", "老公是医生，我是全职妈妈"),
    ("{s}{g}的日常", "我不是医生，仅分享个人经验"), ("考研党", "梦想成为一名律师"), ("{g}{g}同学", "想当老师的大三学生"),
    ("律动舞蹈", "街舞、爵士、身体律动"), ("{s}{g}", "严于律己，宽以待人"), ("自律打卡", "每天自律一点点"),
    ("教授法研究", "对外汉语教授法分享"), ("{s}{g}读书", "教授知识不如教会方法"), ("心理咨询师{g}{g}", "倾听你的故事"),
    ("健身私教{g}", "增肌减脂"), ("{s}{g}", "律师事务所行政，日常分享"), ("法律小白", "遇到纠纷该不该请律师？"),
    ("{s}{g}", "感谢医生护士们的照顾"), ("{s}{g}vlog", "陪妈妈去医院看医生"), ("旅行的意义", "士大夫精神与中国文化"),
    ("美食{g}{g}", "厨房里的老师傅"), ("{s}{g}", "医师资格考试备考笔记"), ("教资上岸", "教师资格证备考经验分享"),
    ("{s}{g}", "我爸是律师，但我学了画画"), ("汽车医生", "专业汽修保养"), ("电脑医生{g}", "上门修电脑"),
    ("{g}{g}酱", "谢谢老师的推荐"), ("读书会", "主任委员{s}{g}"), ("{s}{g}", "居委会主任的一天"),
    ("doctorwho fan", "BBC sci-fi"), ("{p}{g}", "Drake and Dr Pepper lover"), ("md笔记", "markdown 写作技巧"),
    ("{s}{g}", "律诗与绝句"), ("旋律{g}", "音乐制作人"), ("{s}{g}", "法律科普，一起学法律"),
    ("宠物医院{g}{g}", "猫咪绝育、疫苗"), ("{s}{g}", "专家门诊挂号攻略"), ("{s}{g}", "律师费到底怎么收？"),
    ("{s}{g}", "医生老公的日常"), ("{s}{g}", "律师爸爸教我的事"), ("小学生{g}{g}", "我的班主任很严格"),
    ("{s}{g}家长", "孩子的数学老师布置的作业"), ("{s}{g}", "问了医生才知道"), ("学医的{g}", "学医生活太累了"),
    ("{s}{g}", "教师招聘考试资料"), ("{s}{g}", "律师资格考试已经改成法考了"), ("{s}{g}", "医生集团招聘"),
    ("{s}{g}", "dr.com 宽带客户端"), ("{s}{g}", "prof.ai 创业中"), ("{s}{g}", "teacher's day gift ideas"),
    ("{s}{g}", "我的梦想是当医生"), ("{s}{g}", "谁说学医的都要当医生"), ("{s}{g}", "曾经扮演过医生的演员"),
    ("{s}{g}", "一生一世"), ("{s}{g}", "益生菌测评"), ("{s}{g}", "教室布置灵感"), ("{s}{g}", "老实人一个"),
    ("{s}{g}", "yes or no"), ("{s}{g}", "ls -la 命令详解"), ("{s}{g}", "博士在读，研究材料"), ("Dr.{g}", "博士毕业，做芯片设计"),
    ("{s}{g}", "专家说的都对吗"), ("{s}{g}", "王主任办公室"), ("{s}{g}", "导游{s}带你玩云南"), ("{s}{g}", "健身教练，减脂塑形"),
    ("{s}{g}", "资深营养师"), ("{s}{g}", "药师说用药"), ("{s}{g}", "护士小姐姐的日常"), ("{s}{g}", "律师助理的打工日记"),
    ("{s}{g}", "医生建议少吃盐"), ("{s}{g}", "跟着老师学画画"), ("{s}{g}", "各位老师好"), ("{s}{g}", "老师们辛苦了"),
    ("{s}{g}", "像医生一样思考"), ("{s}{g}", "一位好老师改变一生"), ("{s}{g}", "找律师之前先看这篇"),
    ("{s}{g}", "咨询律师要注意什么"), ("{s}{g}", "她是我们学校的老师"), ("{s}{g}", "家里有人是医生吗"),
    ("{s}{g}", "送给医生的礼物"), ("{s}{g}", "吐槽一下我们的教授"), ("{s}{g}", "孩子的老师很负责"),
    ("{s}{g}", "我的律师朋友说"), ("{s}{g}", "未来的医生，加油"), ("{s}{g}", "立志成为一名教师"),
    ("{s}{g}", "考上教师编制啦"), ("{s}{g}", "医师节快乐"), ("{s}{g}", "律师节致敬法律人"),
    ("{s}{g}", "手机医生，屏幕维修"), ("{s}{g}", "植物医生，多肉养护"), ("{s}{g}", "心理咨询师，陪你走出焦虑"),
    ("{s}{g}摄影", "生活记录，喜欢拍花"), ("{s}{g}", "中医养生，药食同源"), ("{s}{g}", "学医好难，医学生不易"),
    ("{s}{g}", "纪律委员"), ("{s}{g}", "规律作息"), ("{s}{g}", "一律八折"), ("{s}{g}", "大学生活记录"),
    ("{s}{g}", "高中生一枚"), ("{s}{g}", "考研上岸，研究生一年级"), ("{s}{g}", "教育博主，分享学习方法"),
    ("{s}{g}", "在医院上班的保洁阿姨"), ("{s}{g}", "法学院学生"), ("{s}{g}", "医药代表的日常"),
    ("{s}{g}", "爱看医疗剧，实习医生格蕾"), ("{s}{g}", "doctor strange 粉丝"), ("{s}{g}", "doctoral student in physics"),
    ("{s}{g}", "drama lover"), ("{s}{g}", "teachers pay teachers"), ("{s}{g}", "lawyers in love 歌曲"),
    ("{s}{g}", "被教授点名了"), ("{s}{g}", "感谢张医生的救治"), ("{s}{g}", "向人民教师致敬"),
    ("{s}{g}", "采访了三位律师"), ("{s}{g}", "我的主治医生说可以出院了"), ("{s}{g}", "请问律师这种情况怎么办"),
]

# --- borderline: decisions in docs/claims-lexicon.md; (name, bio, expected claims, expected account action) ---
BORDERLINE = [
    ("退休教师{s}", "", [("name", T, "教师", "教师")], "review", "retired: a claim, to review"),
    ("{s}{g}", "前律师，现在做咨询", [("bio", L, "律师", "律师")], "review", "former lawyer"),
    ("{s}{g}", "原三甲医院主任医师，已退休", [("bio", D, "主任医师", "主任医师")], "review", "former rank"),
    ("{s}老师", "瑜伽馆，每天一节课", [], "ok", "hobby teacher without school context"),
    ("{s}老师", "书法艺术，以字会友", [], "ok", "courtesy 老师 for an artist"),
    ("钢琴{s}老师", "琴房一对一", [], "ok", "private music teacher"),
    ("{s}心理医生", "陪你聊聊情绪", [("name", D, "心理医生", "心理医生")], "review", "心理医生: counsellor or psychiatrist"),
    ("{s}律师事务所", "专业法律服务机构", [], "ok", "an institution account"),
    ("{s}医院", "二级甲等综合医院", [], "ok", "a hospital account"),
    ("实习律师{s}", "", [("name", L, "实习律师", "实习律师")], "review", "trainee lawyer"),
    ("规培医生{s}", "", [("name", D, "实习医生", "规培医生")], "review", "resident in training"),
    ("乡村医生{s}", "村卫生室", [("name", D, "乡村医生", "乡村医生")], "review", "a separate licence"),
    ("{s}专家", "三甲医院，擅长心血管", [("name", D, "专家", "专家")], "review", "专家 with medical context"),
    ("{s}专家", "理财规划", [], "ok", "专家 without medical context"),
    ("{s}主任", "心内科，三甲医院", [("name", D, "主任", "主任")], "review", "主任 with hospital context"),
    ("{s}主任", "律所，婚姻家事", [("name", L, "主任", "主任")], "review", "律所主任"),
    ("{s}主任", "街道办事处", [], "ok", "an office head"),
    ("Dr. {S}", "材料学博士，做电池研究", [], "ok", "Dr. as a PhD"),
    ("Dr. {S}", "儿科门诊，三甲医院", [("name", D, "医生", "Dr")], "review", "Dr. with medical context"),
    ("{s}讲师", "大学计算机学院", [("name", T, "讲师", "讲师")], "review", "university lecturer"),
    ("{s}讲师", "PPT 培训，职场技能", [], "ok", "corporate trainer"),
    ("{s}医学博士", "", [("name", D, "医学博士", "医学博士")], "review", "MD degree, no licence"),
    ("{s}{g}", "曾任中学老师，现在做自媒体", [("bio", T, "教师", "中学老师")], "review", "former teacher"),
    ("叫兽{s}", "", [], "ok", "mocking 叫兽"),
    ("砖家{s}", "", [], "ok", "mocking 砖家"),
    ("{s}导师", "人生导师，情感咨询", [], "ok", "a life coach"),
    ("{s}导师", "研究生导师，课题组招生", [("name", T, "教师", "导师"), ("bio", T, "教师", "导师")], "review",
     "a graduate supervisor"),
    ("助教{s}", "大学课程助教", [("name", T, "教师", "助教"), ("bio", T, "教师", "助教")], "review",
     "a teaching assistant"),
    ("{s}校长", "某某小学", [("name", T, "教师", "校长")], "review", "a headteacher"),
    ("{s}院长", "某某医院，外科", [("name", D, "院长", "院长")], "review", "a hospital head"),
    ("{s}{g}", "神医在民间", [("bio", D, "医生", "神医")], "review", "神医 without context: weak evidence"),
    ("{s}yisheng", "", [("name", D, "医生", "yisheng")], "review", "pinyin alone"),
    ("{s1}律", "", [("name", L, "律师", "{s1}律")], "review", "shorthand alone"),
    ("{s}{g}", "法律顾问，企业合规", [("bio", L, "律师", "法律顾问")], "review", "法律顾问"),
    ("律所合伙人{s}", "", [("name", L, "律师", "律所合伙人")], "review", "律所合伙人: 律所 is the context"),
]


def _contextual(written: str) -> bool:
    """Words that claim only with context (老师, Dr.): their accounts always show it."""
    return written.lower().rstrip(".．") in ("dr", "laoshi", "ｄｒ", "🇩🇷") or any(c in written for c in "湿⽼")


def _traditional(text: str) -> str:
    return "".join(TRADITIONAL.get(ch, ch) for ch in text)


class Writer:
    def __init__(self, seed: int = 12) -> None:
        self.rng = random.Random(seed)
        self.rows: list[dict[str, Any]] = []

    def person(self) -> dict[str, str]:
        s1 = self.rng.choice(SURNAMES)
        return {"s": s1 + self.rng.choice(GIVEN), "s1": s1, "g": self.rng.choice(GIVEN),
                "p": self.rng.choice(PINYIN), "S": self.rng.choice(PINYIN).capitalize()}

    def add(self, category: str, expect: list[dict[str, str]], note: str | None = None, **fields: str) -> None:
        row: dict[str, Any] = {"account_id": f"{category}-{sum(r['category'] == category for r in self.rows) + 1:03d}",
                               "category": category}
        row.update({k: v for k, v in fields.items() if v})
        row["expect"] = expect
        if note:
            row["note"] = note
        for item in expect:
            assert item["text"] in row[item["field"]], (row, item)
        self.rows.append(row)

    def plain(self) -> None:
        for prefix, title, suffix, profession, canonical in PLAIN_NAMES:
            who = self.person()
            name = prefix.format(**who) + title + suffix.format(**who)
            text = title.format(**who) if "{" in title else title
            if title == "律":
                text = who["s1"] + "律"
                name = text + suffix
            self.add("plain", [claim("name", profession, canonical, text)], name=name,
                     bio=self.rng.choice(PLAIN_BIOS))

    def bios(self) -> None:
        for before, title, after, profession, canonical, *more in BIOS:
            who = self.person()
            name = who["s"] if self.rng.random() < 0.6 else f"{who['s']}的小屋"
            extra = [claim("bio", p, t, x) for x, p, t in (more[0] if more else [])]
            self.add("bio", [claim("bio", profession, canonical, title), *extra], name=name,
                     bio=before + title + after)

    def evaded(self, category: str, written: str, profession: str, canonical: str, *, with_context: bool = True,
               latin: bool = False) -> None:
        who = self.person()
        with_context = with_context or _contextual(written)
        where = self.rng.choice(["name", "bio", "handle"] if latin else ["name", "bio"])
        context = self.rng.choice(CONTEXT_BIOS[profession]) if with_context else self.rng.choice(PLAIN_BIOS)
        if where == "name":
            name = (who["s"] + written) if self.rng.random() < 0.5 else (written + " " + who["s"])
            self.add(category, [claim("name", profession, canonical, written)], name=name, bio=context)
        elif where == "handle":
            handle = f"{written}_{who['p']}" if self.rng.random() < 0.5 else f"{who['p']}_{written}"
            self.add(category, [claim("handle", profession, canonical, written)], name=who["s"], handle=handle,
                     bio=context)
        else:
            self.add(category, [claim("bio", profession, canonical, written)], name=who["s"],
                     bio=f"{written}，{context}")

    def evasions(self) -> None:
        for text, profession, canonical in HAN_TITLES:
            self.evaded("traditional", _traditional(text), profession, canonical)
            self.evaded("traditional", _traditional(text), profession, canonical, with_context=False)
        for text, profession, canonical in VARIANTS:
            self.evaded("variant", text, profession, canonical)
            self.evaded("variant", text, profession, canonical, with_context=False)
        for n, (text, profession, canonical) in enumerate(HAN_TITLES * 2):
            sep = SEPARATORS[n % len(SEPARATORS)]
            written = sep.join(text) if len(text) == 2 or n % 2 else text[0] + sep + text[1:]
            self.evaded("separator", written, profession, canonical, with_context=n % 3 != 0)
        for n, (text, profession, canonical) in enumerate(HAN_TITLES * 2):
            mark = INVISIBLES[n % len(INVISIBLES)]
            self.evaded("invisible", text[0] + mark + text[1:], profession, canonical, with_context=n % 3 != 0)
        for word in ("lawyer", "doctor", "teacher"):
            spaced = " ".join(word)
            profession, canonical = {"lawyer": (L, "律师"), "doctor": (D, "医生"), "teacher": (T, "教师")}[word]
            self.evaded("separator", spaced, profession, canonical, latin=True)
            self.evaded("separator", ".".join(word), profession, canonical, latin=True)
        for n, (text, profession, canonical) in enumerate(WIDTH_WORDS * 2):
            self.evaded("width", text, profession, canonical, latin=True, with_context=n % 2 == 0)
        for n, (text, profession, canonical) in enumerate(CASE_WORDS * 2):
            self.evaded("case", text.rstrip("."), profession, canonical, latin=True, with_context=n % 2 == 0)
        for n, (text, profession, canonical) in enumerate(HOMOGLYPH_WORDS):
            self.evaded("homoglyph", text, profession, canonical, latin=text.isascii() or not any(
                "\u4e00" <= c <= "\u9fff" or "\u2f00" <= c <= "\u2fdf" or "\u3200" <= c <= "\u32ff" for c in text),
                with_context=n % 3 != 0)
        for n, (text, profession, canonical) in enumerate(PINYIN_WORDS * 2):
            self.evaded("pinyin", text, profession, canonical, latin=True, with_context=n % 2 == 0)
        for text, profession, canonical in INITIAL_WORDS * 3:
            who = self.person()
            name = who["s"][0] + text
            self.add("initials", [claim("name", profession, canonical, text)], name=name,
                     bio=self.rng.choice(CONTEXT_BIOS[profession]))
        for n, (text, profession, canonical) in enumerate(HOMOPHONES * 3):
            self.evaded("homophone", text, profession, canonical, with_context=n % 3 != 2)
        for n, (text, profession, canonical, _, _) in enumerate(ENGLISH * 2):
            written = text.rstrip(".")
            self.evaded("english", written, profession, canonical, latin=True, with_context=n % 2 == 0 or
                        text in ("Dr.",))

    def multi(self) -> None:
        for fields, expected in MULTI:
            who = self.person()
            values = {k: v.format(**who) for k, v in fields.items()}
            expect = [claim(f, p, t, x.format(**who)) for f, p, t, x in expected]
            self.add("multi", expect, **values)

    def negatives(self) -> None:
        for name, bio in NEGATIVES:
            who = self.person()
            self.add("negative", [], name=name.format(**who), bio=bio.format(**who))

    def borderline(self) -> None:
        for name, bio, expected, action, note in BORDERLINE:
            who = self.person()
            expect = [claim(f, p, t, x.format(**who)) for f, p, t, x in expected]
            self.add("borderline", expect, note=f"{note}; expected action {action}", name=name.format(**who),
                     bio=bio.format(**who))
            self.rows[-1]["action"] = action


def main() -> None:
    writer = Writer()
    writer.plain()
    writer.bios()
    writer.evasions()
    writer.multi()
    writer.negatives()
    writer.borderline()
    with OUT.open("w", encoding="utf-8") as out:
        for row in writer.rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for row in writer.rows:
        counts[row["category"]] = counts.get(row["category"], 0) + 1
    print(f"{len(writer.rows)} accounts: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
